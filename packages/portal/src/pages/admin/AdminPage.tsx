import { Tabs, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useParams } from 'react-router';
import { useSession } from '../../app/session';
import { NotFoundPage } from '../NotFoundPage';
import { RobotsPanel } from '../robots/RobotsPanel';
import { HowToPush } from './HowToPush';
import { SettingsTab } from './SettingsTab';
import { UsersTab } from './UsersTab';
import { useDocumentTitle } from '../../hooks/use-document-title';

const TABS = ['users', 'robots', 'settings', 'push'] as const;
type AdminTab = (typeof TABS)[number];

function isTab(value: string | undefined): value is AdminTab {
  return (TABS as readonly (string | undefined)[]).includes(value);
}

/** System administration: users, system robot accounts, settings, and how to push to this registry. */
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
  useDocumentTitle(`${t(`admin.tabs.${tab}`)} – ${t('admin.title')}`);
  const content: Record<AdminTab, ReactNode> = {
    users: <UsersTab />,
    robots: <RobotsPanel scope={{ level: 'system' }} />,
    settings: <SettingsTab />,
    push: <HowToPush />,
  };
  return (
    <>
      <Typography.Title level={2}>{t('admin.title')}</Typography.Title>
      <Tabs
        activeKey={tab}
        destroyOnHidden
        onChange={(key) => void navigate(`/admin/${key}`)}
        items={TABS.map((key) => ({ key, label: t(`admin.tabs.${key}`), children: content[key] }))}
      />
    </>
  );
}
