import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Flex, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Project } from '../../api/models';
import { fuzzy } from '../../api/paging';
import { listProjects } from '../../api/projects';
import { roleNameOf } from '../../api/members';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SearchBox } from '../../components/SearchBox';
import { TimeText } from '../../components/TimeText';
import { useListQuery } from '../../hooks/use-list-query';
import { ProjectQuota } from '../quotas/ProjectQuota';
import { CreateProjectModal } from './CreateProjectModal';
import { PublicTag } from '../../components/PublicTag';
import { useDocumentTitle } from '../../hooks/use-document-title';

/** Every project the user can see, searched, sorted and paged on the server. */
export function ProjectsPage() {
  const { t } = useTranslation();
  const list = useListQuery({ defaultSort: 'name' });
  const [creating, setCreating] = useState(false);
  useDocumentTitle(t('projects.title'));
  const query = list.query(fuzzy('name', list.search));
  const projects = useQuery({
    queryKey: ['projects', query],
    queryFn: () => listProjects(query),
    placeholderData: keepPreviousData,
  });
  const columns: TableColumnsType<Project> = [
    {
      key: 'name',
      title: t('projects.name'),
      sorter: true,
      sortOrder: list.sortOrder('name'),
      render: (_, p) => <Link to={`/projects/${encodeURIComponent(p.name ?? '')}`}>{p.name}</Link>,
    },
    {
      key: 'public',
      title: t('projects.access'),
      render: (_, p) => (p.metadata?.public === 'true' ? <PublicTag /> : <Tag>{t('projects.private')}</Tag>),
    },
    {
      key: 'role',
      title: t('projects.role'),
      render: (_, p) => {
        const role = roleNameOf(p.current_user_role_id);
        return role ? t(`roles.${role}`) : '-';
      },
    },
    { key: 'repo_count', title: t('projects.repositories'), dataIndex: 'repo_count', align: 'right' },
    { key: 'storage', title: t('quotas.usage'), render: (_, p) => <ProjectQuota project={p.name ?? ''} /> },
    {
      key: 'creation_time',
      title: t('common.created'),
      sorter: true,
      sortOrder: list.sortOrder('creation_time'),
      render: (_, p) => <TimeText value={p.creation_time} />,
    },
  ];
  return (
    <>
      <Typography.Title level={2}>{t('projects.title')}</Typography.Title>
      <Flex justify="space-between" style={{ marginBottom: 16 }}>
        <SearchBox value={list.search} onSearch={list.setSearch} label={t('projects.search')} />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('projects.create')}
        </Button>
      </Flex>
      <ErrorAlert error={projects.error} />
      <Table<Project>
        rowKey={(p) => p.project_id ?? p.name ?? ''}
        columns={columns}
        dataSource={projects.data?.items}
        loading={projects.isFetching}
        {...list.tableProps<Project>(projects.data?.total)}
      />
      <CreateProjectModal open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
