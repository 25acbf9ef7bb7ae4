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
import { useSession } from '../../app/session';
import { RetentionTab } from '../retention/RetentionTab';

const TABS = ['repositories', 'members', 'robots', 'retention', 'configuration'] as const;
type ProjectTab = (typeof TABS)[number];

function isTab(value: string | undefined): value is ProjectTab {
  return (TABS as readonly (string | undefined)[]).includes(value);
}

/** Harbor's roles that hold `tag-retention`: project admin (1), developer (2), maintainer (4). */
const RETENTION_ROLES: readonly number[] = [1, 2, 4];

/** One project: its repositories, members, robot accounts, tag retention and configuration, one tab each. */
export function ProjectPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const params = useParams();
  const name = params.project ?? '';
  const tab: ProjectTab = isTab(params.tab) ? params.tab : 'repositories';
  const tabLabel = (key: ProjectTab) => (key === 'retention' ? t('retention.tab') : t(`project.tabs.${key}`));
  useDocumentTitle(`${name} – ${tabLabel(tab)}`);
  const project = useQuery({ queryKey: ['project', name], queryFn: () => getProject(name) });
  const { isAdmin } = useSession();
  if (project.isPending) return <Spin />;
  if (project.isError) return <ErrorAlert error={project.error} />;
  const p = project.data;
  const mayRetain = isAdmin || RETENTION_ROLES.includes(p.current_user_role_id ?? 0);
  const tabs = TABS.filter((key) => key !== 'retention' || mayRetain);
  const content: Record<ProjectTab, ReactNode> = {
    repositories: <RepositoriesTab project={name} />,
    members: <MembersTab project={name} />,
    robots: <ProjectRobotsTab project={p} />,
    retention: <RetentionTab project={p} />,
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
        items={tabs.map((key) => ({ key, label: tabLabel(key), children: content[key] }))}
      />
    </>
  );
}
