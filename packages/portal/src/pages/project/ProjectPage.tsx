import { useQuery } from '@tanstack/react-query';
import { Breadcrumb, Spin, Tabs, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { getProject } from '../../api/projects';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ProjectRobotsTab } from '../robots/ProjectRobotsTab';
import { ConfigurationTab } from './ConfigurationTab';
import { MembersTab } from './MembersTab';
import { RepositoriesTab } from './RepositoriesTab';
import { PublicTag } from '../../components/PublicTag';
import { useDocumentTitle } from '../../hooks/use-document-title';

const TABS = ['repositories', 'members', 'robots', 'configuration'] as const;
type ProjectTab = (typeof TABS)[number];

function isTab(value: string | undefined): value is ProjectTab {
  return (TABS as readonly (string | undefined)[]).includes(value);
}

/** One project: its repositories, members, robot accounts and configuration, one tab each. */
export function ProjectPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const params = useParams();
  const name = params.project ?? '';
  const tab: ProjectTab = isTab(params.tab) ? params.tab : 'repositories';
  useDocumentTitle(`${name} – ${t(`project.tabs.${tab}`)}`);
  const project = useQuery({ queryKey: ['project', name], queryFn: () => getProject(name) });
  if (project.isPending) return <Spin />;
  if (project.isError) return <ErrorAlert error={project.error} />;
  const p = project.data;
  const content: Record<ProjectTab, ReactNode> = {
    repositories: <RepositoriesTab project={name} />,
    members: <MembersTab project={name} />,
    robots: <ProjectRobotsTab project={p} />,
    configuration: <ConfigurationTab project={p} />,
  };
  return (
    <>
      <Breadcrumb items={[{ title: <Link to="/projects">{t('nav.projects')}</Link> }, { title: name }]} />
      <Typography.Title level={2}>
        {name} {p.metadata?.public === 'true' ? <PublicTag /> : <Tag>{t('projects.private')}</Tag>}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        destroyOnHidden
        onChange={(key) => void navigate(`/projects/${encodeURIComponent(name)}/${key}`)}
        items={TABS.map((key) => ({ key, label: t(`project.tabs.${key}`), children: content[key] }))}
      />
    </>
  );
}
