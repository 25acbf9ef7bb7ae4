import { Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { useSession } from './session';

/** Shows its children to a signed-in user; anyone else goes to the sign-in page, and comes back after. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { loading, user } = useSession();
  const location = useLocation();
  if (loading) return <Spin fullscreen tip={t('common.loading')} />;
  if (!user) {
    const back = location.pathname + location.search;
    return <Navigate to={`/sign-in?redirect=${encodeURIComponent(back)}`} replace />;
  }
  return children;
}
