import { Layout, Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { UserMenu } from '../pages/user-menu/UserMenu';
import { useSession } from './session';

const { Header, Content } = Layout;

/** The frame of every page after sign-in: brand, navigation, user menu. */
export function AppLayout() {
  const { t } = useTranslation();
  const { isAdmin } = useSession();
  const { pathname } = useLocation();
  const selected = pathname.startsWith('/admin') ? 'admin' : 'projects';
  const items = [
    { key: 'projects', label: <Link to="/projects">{t('nav.projects')}</Link> },
    ...(isAdmin ? [{ key: 'admin', label: <Link to="/admin">{t('nav.administration')}</Link> }] : []),
  ];
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header style={{ display: 'flex', alignItems: 'center', gap: 24 }}>
        <Link to="/projects" style={{ color: '#fff', fontSize: 20, fontWeight: 600 }}>
          {t('app.name')}
        </Link>
        <Menu
          theme="dark"
          mode="horizontal"
          selectedKeys={[selected]}
          items={items}
          style={{ flex: 1, minWidth: 0 }}
          aria-label={t('nav.label')}
        />
        <UserMenu />
      </Header>
      <Content style={{ padding: '24px 32px', maxWidth: 1600, width: '100%', margin: '0 auto' }}>
        <Outlet />
      </Content>
    </Layout>
  );
}
