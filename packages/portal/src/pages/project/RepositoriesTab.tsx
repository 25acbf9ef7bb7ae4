import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Table, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Repository } from '../../api/models';
import { fuzzy } from '../../api/paging';
import { listRepositories } from '../../api/repositories';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SearchBox } from '../../components/SearchBox';
import { TimeText } from '../../components/TimeText';
import { useListQuery } from '../../hooks/use-list-query';

export function RepositoriesTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const list = useListQuery({ defaultSort: 'name' });
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
      <div style={{ marginBottom: 16 }}>
        <SearchBox value={list.search} onSearch={list.setSearch} label={t('repositories.search')} />
      </div>
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
