import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Table, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { listAccessories, type ArtifactRef } from '../../api/artifacts';
import type { Accessory } from '../../api/models';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TimeText } from '../../components/TimeText';
import { useListQuery } from '../../hooks/use-list-query';
import { artifactRoute } from '../../lib/artifact-route';
import { formatBytes } from '../../lib/bytes';

/** Artifacts that refer to this one: signatures, SBOMs and other attachments (Harbor's accessories). */
export function ReferrersTable({ artifactRef }: { artifactRef: ArtifactRef }) {
  const { t } = useTranslation();
  const list = useListQuery({ prefix: 'referrers', defaultPageSize: 10 });
  const query = list.query();
  const accessories = useQuery({
    queryKey: ['accessories', artifactRef, query],
    queryFn: () => listAccessories(artifactRef, query),
    placeholderData: keepPreviousData,
  });
  const columns: TableColumnsType<Accessory> = [
    { key: 'type', title: t('artifacts.type'), dataIndex: 'type' },
    {
      key: 'digest',
      title: t('artifacts.digest'),
      render: (_, r) => (
        <Link to={artifactRoute(artifactRef.repository, r.digest ?? '')}>
          <Typography.Text code>{r.digest}</Typography.Text>
        </Link>
      ),
    },
    { key: 'size', title: t('artifacts.size'), align: 'right', render: (_, r) => formatBytes(r.size) },
    { key: 'creation_time', title: t('common.created'), render: (_, r) => <TimeText value={r.creation_time} /> },
  ];
  return (
    <>
      <ErrorAlert error={accessories.error} />
      <Table<Accessory>
        rowKey={(r) => r.digest ?? r.id ?? ''}
        size="small"
        columns={columns}
        dataSource={accessories.data?.items}
        loading={accessories.isFetching}
        locale={{ emptyText: t('artifact.noReferrers') }}
        {...list.tableProps<Accessory>(accessories.data?.total)}
      />
    </>
  );
}
