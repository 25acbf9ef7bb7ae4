import { CheckOutlined, DownOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Dropdown, type MenuProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { signOut } from '../../api/session';
import { useSession } from '../../app/session';
import { useFeedback } from '../../hooks/use-feedback';
import { useSystemInfo } from '../../hooks/use-system-info';
import { changeLanguage } from '../../i18n/i18n';
import { LANGUAGES } from '../../i18n/language';
import { EXPLORER_PATH, OPENAPI_PATH, serverUrl } from '../../api/base-path';
import { ChangePasswordModal } from './ChangePasswordModal';
import { LANGUAGE_NAMES } from './LanguageSwitch';

/** The local administrator, who signs in with a password whatever the authentication mode. */
const LOCAL_ADMIN = 'admin';

/**
 * The signed-in user's menu: language, profile (with an OIDC user's CLI secret), personal access tokens, change
 * password, the API explorer and document, sign out.
 */
export function UserMenu() {
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const [changingPassword, setChangingPassword] = useState(false);
  const mode = useSystemInfo().data?.auth_mode;
  const hasLocalPassword =
    !user?.oidc_user_meta && (mode === undefined || mode === 'db_auth' || user?.username === LOCAL_ADMIN);
  const logout = useMutation({
    mutationFn: signOut,
    onSuccess: async () => {
      queryClient.clear();
      await navigate('/sign-in', { replace: true });
    },
    onError: feedback.failure,
  });
  const items: MenuProps['items'] = [
    {
      key: 'language',
      label: t('userMenu.language'),
      children: LANGUAGES.map((language) => ({
        key: `language:${language}`,
        label: LANGUAGE_NAMES[language],
        icon: i18n.language === language ? <CheckOutlined /> : undefined,
        onClick: () => void changeLanguage(language),
      })),
    },
    { key: 'profile', label: t('userMenu.profile'), onClick: () => void navigate('/profile') },
    { key: 'tokens', label: t('userMenu.tokens'), onClick: () => void navigate('/tokens') },
    // Only local users have a password here; with LDAP, OIDC or a proxy, only the local admin does.
    ...(hasLocalPassword
      ? [{ key: 'password', label: t('userMenu.changePassword'), onClick: () => setChangingPassword(true) }]
      : []),
    { type: 'divider' },
    {
      key: 'explorer',
      label: (
        <a href={serverUrl(EXPLORER_PATH)} target="_blank" rel="noopener noreferrer">
          {t('userMenu.apiExplorer')}
        </a>
      ),
    },
    {
      key: 'openapi',
      label: (
        <a href={serverUrl(OPENAPI_PATH)} target="_blank" rel="noopener noreferrer">
          {t('userMenu.openapi')}
        </a>
      ),
    },
    { type: 'divider' },
    { key: 'sign-out', label: t('userMenu.signOut'), onClick: () => logout.mutate() },
  ];
  return (
    <>
      <Dropdown menu={{ items }} trigger={['click']}>
        <Button
          type="text"
          style={{ color: '#fff' }}
          aria-label={t('userMenu.labelOf', { name: user?.username ?? '' })}
          data-testid="user-menu"
        >
          <UserOutlined /> {user?.username} <DownOutlined />
        </Button>
      </Dropdown>
      <ChangePasswordModal open={changingPassword} onClose={() => setChangingPassword(false)} />
    </>
  );
}
