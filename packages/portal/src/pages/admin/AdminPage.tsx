import { Tabs, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useParams } from 'react-router';
import { useSession } from '../../app/session';
import { NotFoundPage } from '../NotFoundPage';
import { AuditLogPanel } from '../audit/AuditLogPanel';
import { AuthSettingsTab } from '../auth-settings/AuthSettingsTab';
import { AuditPurgeCard } from '../audit/AuditPurgeCard';
import { GcTab } from '../gc/GcTab';
import { GroupsTab } from '../groups/GroupsTab';
import { JobsTab } from '../jobs/JobsTab';
import { LabelsPanel } from '../labels/LabelsPanel';
import { QuotasTab } from '../quotas/QuotasTab';
import { RobotsPanel } from '../robots/RobotsPanel';
import { StatusTab } from '../status/StatusTab';
import { TokensPanel } from '../tokens/TokensPanel';
import { HowToPush } from './HowToPush';
import { SettingsTab } from './SettingsTab';
import { UsersTab } from './UsersTab';
import { useDocumentTitle } from '../../hooks/use-document-title';

const TABS = [
  'users',
  'groups',
  'robots',
  'tokens',
  'auth',
  'settings',
  'gc',
  'quotas',
  'labels',
  'jobs',
  'audit',
  'status',
  'push',
] as const;
type AdminTab = (typeof TABS)[number];

/** Each tab's name: the storage governance tabs name themselves in their own blocks of the locales. */
const TAB_LABELS = {
  users: 'admin.tabs.users',
  groups: 'groups.tab',
  robots: 'admin.tabs.robots',
  tokens: 'tokens.adminTab',
  auth: 'authSettings.tab',
  settings: 'admin.tabs.settings',
  gc: 'gc.tab',
  quotas: 'quotas.tab',
  labels: 'labels.tab',
  jobs: 'jobs.tab',
  status: 'status.tab',
  audit: 'audit.tab',
  push: 'admin.tabs.push',
} as const satisfies Record<AdminTab, string>;

function isTab(value: string | undefined): value is AdminTab {
  return (TABS as readonly (string | undefined)[]).includes(value);
}

/**
 * System administration: users, user groups, system robot accounts, every user's access tokens, authentication,
 * settings, garbage collection, project quotas, global labels, the job queues, the system status, and how to push
 * to this registry.
 */
export function AdminPage() {
  const { isAdmin } = useSession();
  const param = useParams().tab;
  if (!isAdmin) return <Navigate to="/projects" replace />;
  // /admin opens the users; an address naming no tab is not a page (never silently the users).
  if (param === undefined) return <AdminTabs tab="users" />;
  return isTab(param) ? <AdminTabs tab={param} /> : <NotFoundPage />;
}

function AdminTabs({ tab }: { tab: AdminTab }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  useDocumentTitle(`${t(TAB_LABELS[tab])} – ${t('admin.title')}`);
  const content: Record<AdminTab, ReactNode> = {
    users: <UsersTab />,
    groups: <GroupsTab />,
    robots: <RobotsPanel scope={{ level: 'system' }} />,
    tokens: <TokensPanel scope="all" />,
    auth: <AuthSettingsTab />,
    settings: <SettingsTab />,
    gc: <GcTab />,
    quotas: <QuotasTab />,
    labels: <LabelsPanel scope={{ scope: 'g' }} canEdit />,
    jobs: <JobsTab />,
    status: <StatusTab />,
    audit: (
      <>
        <AuditLogPanel />
        <AuditPurgeCard />
      </>
    ),
    push: <HowToPush />,
  };
  return (
    <>
      <Typography.Title level={2}>{t('admin.title')}</Typography.Title>
      <Tabs
        activeKey={tab}
        destroyOnHidden
        tabPosition="left"
        onChange={(key) => void navigate(`/admin/${key}`)}
        items={TABS.map((key) => ({ key, label: t(TAB_LABELS[key]), children: content[key] }))}
      />
    </>
  );
}
