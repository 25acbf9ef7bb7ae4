import { EditOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Quota } from '../../api/models';
import { listQuotas } from '../../api/quotas';
import { ErrorAlert } from '../../components/ErrorAlert';
import { QuotaBar } from '../../components/QuotaBar';
import { useListQuery } from '../../hooks/use-list-query';
import { formatBytes } from '../../lib/bytes';
import { EditQuotaModal } from './EditQuotaModal';

/** Every project's storage quota, sorted and paged on the server, with its limit changed in a dialog. */
export function QuotasTab() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const list = useListQuery({ defaultSort: '-used.storage' });
  const [editing, setEditing] = useState<Quota>();
  const query = list.query();
  const quotas = useQuery({
    queryKey: ['quotas', query],
    queryFn: () => listQuotas(query),
    placeholderData: keepPreviousData,
  });
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['quotas'] });
    await queryClient.invalidateQueries({ queryKey: ['project-summary'] });
  };
  const columns: TableColumnsType<Quota> = [
    {
      key: 'project',
      title: t('quotas.project'),
      render: (_, q) => <Link to={`/projects/${encodeURIComponent(q.ref.name)}`}>{q.ref.name}</Link>,
    },
    { key: 'owner', title: t('quotas.owner'), render: (_, q) => q.ref.owner_name ?? '-' },
    {
      key: 'used.storage',
      title: t('quotas.usage'),
      sorter: true,
      sortDirections: ['descend', 'ascend', 'descend'],
      sortOrder: list.sortOrder('used.storage'),
      render: (_, q) => (
        <QuotaBar used={q.used.storage} hard={q.hard.storage} label={t('quotas.barLabel', { name: q.ref.name })} />
      ),
    },
    {
      key: 'hard.storage',
      title: t('quotas.limit'),
      sorter: true,
      sortOrder: list.sortOrder('hard.storage'),
      render: (_, q) => ((q.hard.storage ?? -1) < 0 ? t('quotas.unlimited') : formatBytes(q.hard.storage)),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, q) => (
        <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(q)}>
          {t('common.edit')}
        </Button>
      ),
    },
  ];
  return (
    <>
      <ErrorAlert error={quotas.error} />
      <Table<Quota>
        rowKey={(q) => q.id}
        columns={columns}
        dataSource={quotas.data?.items}
        loading={quotas.isFetching}
        {...list.tableProps<Quota>(quotas.data?.total)}
      />
      <EditQuotaModal quota={editing} onClose={() => setEditing(undefined)} onSaved={() => void refresh()} />
    </>
  );
}
