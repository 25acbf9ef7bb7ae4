import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { CloudUploadOutlined } from '@ant-design/icons';
import { Button, Flex, Modal, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Repository } from '../../api/models';
import { fuzzy } from '../../api/paging';
import { listRepositories } from '../../api/repositories';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SearchBox } from '../../components/SearchBox';
import { TimeText } from '../../components/TimeText';
import { useListQuery } from '../../hooks/use-list-query';
import { HowToPush } from '../admin/HowToPush';

export function RepositoriesTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const list = useListQuery({ defaultSort: 'name' });
  const [pushing, setPushing] = useState(false);
  const closePush = () => setPushing(false);
  const query = list.query(fuzzy('name', list.search));
  const repositories = useQuery({
    queryKey: ['repositories', project, query],
    queryFn: () => listRepositories(project, query),
    placeholderData: keepPreviousData,
  });
  const columns: TableColumnsType<Repository> = [
    {
      key: 'name',
      title: t('repositories.name'),
      sorter: true,
      sortOrder: list.sortOrder('name'),
      render: (_, r) => <Link to={`/repositories/${r.name ?? ''}`}>{r.name}</Link>,
    },
    { key: 'artifact_count', title: t('repositories.artifacts'), dataIndex: 'artifact_count', align: 'right' },
    { key: 'pull_count', title: t('repositories.pulls'), dataIndex: 'pull_count', align: 'right' },
    {
      key: 'update_time',
      title: t('repositories.updated'),
      sorter: true,
      sortOrder: list.sortOrder('update_time'),
      render: (_, r) => <TimeText value={r.update_time} />,
    },
  ];
  return (
    <>
      <Flex justify="space-between" gap={16} style={{ marginBottom: 16 }}>
        <SearchBox value={list.search} onSearch={list.setSearch} label={t('repositories.search')} />
        <Button icon={<CloudUploadOutlined />} onClick={() => setPushing(true)}>
          {t('push.open')}
        </Button>
      </Flex>
      {/* One Close button (no corner ×, which would be a second button of that name); Escape closes it too. */}
      <Modal
        open={pushing}
        title={t('push.title', { project })}
        onCancel={closePush}
        closable={false}
        destroyOnHidden
        width={1000}
        footer={
          <Button type="primary" onClick={closePush}>
            {t('common.close')}
          </Button>
        }
      >
        <HowToPush project={project} />
      </Modal>
      <ErrorAlert error={repositories.error} />
      <Table<Repository>
        rowKey={(r) => r.id ?? r.name ?? ''}
        columns={columns}
        dataSource={repositories.data?.items}
        loading={repositories.isFetching}
        locale={{ emptyText: t('repositories.empty') }}
        {...list.tableProps<Repository>(repositories.data?.total)}
      />
    </>
  );
}
