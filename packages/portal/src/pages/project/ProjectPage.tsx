import { useQuery } from '@tanstack/react-query';
import { Breadcrumb, Spin, Tabs, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { roleNameOf, type RoleName } from '../../api/members';
import type { Project } from '../../api/models';
import { getProject } from '../../api/projects';
import { useSession } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AuditLogPanel } from '../audit/AuditLogPanel';
import { ImmutabilityTab } from '../immutability/ImmutabilityTab';
import { LabelsPanel } from '../labels/LabelsPanel';
import { ProjectQuota } from '../quotas/ProjectQuota';
import { RetentionTab } from '../retention/RetentionTab';
import { ProjectRobotsTab } from '../robots/ProjectRobotsTab';
import { WebhooksTab } from '../webhooks/WebhooksTab';
import { ConfigurationTab } from './ConfigurationTab';
import { MembersTab } from './MembersTab';
import { RepositoriesTab } from './RepositoriesTab';
import { PublicTag } from '../../components/PublicTag';
import { useDocumentTitle } from '../../hooks/use-document-title';

const TABS = [
  'repositories',
  'members',
  'labels',
  'immutability',
  'retention',
  'webhooks',
  'robots',
  'logs',
  'configuration',
] as const;
type ProjectTab = (typeof TABS)[number];

/** Each tab's name: the storage governance tabs name themselves in their own blocks of the locales. */
const TAB_LABELS = {
  repositories: 'project.tabs.repositories',
  members: 'project.tabs.members',
  labels: 'labels.projectTab',
  immutability: 'immutability.tab',
  retention: 'retention.tab',
  webhooks: 'webhooks.tab',
  robots: 'project.tabs.robots',
  logs: 'audit.projectTab',
  configuration: 'project.tabs.configuration',
} as const satisfies Record<ProjectTab, string>;

/** Roles that manage a project's labels and immutable tag rules (as the API allows). */
const MANAGERS: readonly (RoleName | undefined)[] = ['projectAdmin', 'maintainer'];
/** Roles that may list a project's labels. */
const LABEL_READERS: readonly (RoleName | undefined)[] = [...MANAGERS, 'developer', 'guest'];
/** Roles that hold Harbor's `tag-retention` (manage and run the retention policy). */
const RETENTION_ROLES: readonly (RoleName | undefined)[] = [...MANAGERS, 'developer'];
/** Roles that see a project's webhooks (Harbor's `notification-policy` read); project admins manage them. */
const WEBHOOK_READERS: readonly (RoleName | undefined)[] = MANAGERS;

/** The tabs the caller may open: immutability only for those who manage the project, labels for its readers. */
function tabsFor(project: Project, isAdmin: boolean): ProjectTab[] {
  const role = roleNameOf(project.current_user_role_id);
  const publicProject = project.metadata?.public === 'true';
  return TABS.filter((tab) => {
    if (tab === 'immutability') return isAdmin || MANAGERS.includes(role);
    if (tab === 'labels') return isAdmin || publicProject || LABEL_READERS.includes(role);
    if (tab === 'retention') return isAdmin || RETENTION_ROLES.includes(role);
    if (tab === 'webhooks') return isAdmin || WEBHOOK_READERS.includes(role);
    // Harbor's `log` list: project administrators.
    if (tab === 'logs') return isAdmin || role === 'projectAdmin';
    return true;
  });
}

export function canManageProject(project: Project, isAdmin: boolean): boolean {
  return isAdmin || MANAGERS.includes(roleNameOf(project.current_user_role_id));
}

function isTab(value: string | undefined): value is ProjectTab {
  return (TABS as readonly (string | undefined)[]).includes(value);
}

/**
 * One project: its storage against its quota, then its repositories, members, labels, immutable tag rules, tag
 * retention, webhooks, robot accounts and configuration, one tab each.
 */
export function ProjectPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const params = useParams();
  const name = params.project ?? '';
  const { isAdmin } = useSession();
  const project = useQuery({ queryKey: ['project', name], queryFn: () => getProject(name) });
  const tabs = project.data ? tabsFor(project.data, isAdmin) : TABS;
  const tab: ProjectTab = isTab(params.tab) && tabs.includes(params.tab) ? params.tab : 'repositories';
  useDocumentTitle(`${name} – ${t(TAB_LABELS[tab])}`);
  if (project.isPending) return <Spin />;
  if (project.isError) return <ErrorAlert error={project.error} />;
  const p = project.data;
  const content: Record<ProjectTab, ReactNode> = {
    repositories: <RepositoriesTab project={name} />,
    members: <MembersTab project={name} />,
    labels: <LabelsPanel scope={{ scope: 'p', projectId: p.project_id }} canEdit={canManageProject(p, isAdmin)} />,
    immutability: <ImmutabilityTab project={name} />,
    retention: <RetentionTab project={p} />,
    webhooks: <WebhooksTab project={p} canEdit={isAdmin || roleNameOf(p.current_user_role_id) === 'projectAdmin'} />,
    robots: <ProjectRobotsTab project={p} />,
    logs: <AuditLogPanel project={name} />,
    configuration: <ConfigurationTab project={p} />,
  };
  return (
    <>
      <Breadcrumb items={[{ title: <Link to="/projects">{t('nav.projects')}</Link> }, { title: name }]} />
      <Typography.Title level={2}>
        {name} {p.metadata?.public === 'true' ? <PublicTag /> : <Tag>{t('projects.private')}</Tag>}
      </Typography.Title>
      <ProjectQuota project={name} hideUnknown />
      <Tabs
        activeKey={tab}
        destroyOnHidden
        onChange={(key) => void navigate(`/projects/${encodeURIComponent(name)}/${key}`)}
        items={tabs.map((key) => ({ key, label: t(TAB_LABELS[key]), children: content[key] }))}
      />
    </>
  );
}
