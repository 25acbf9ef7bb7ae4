import { LoginOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, Layout, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { signIn } from '../../api/session';
import { oidcLoginUrl } from '../../api/oidc';
import { useSession } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { safeRedirect } from '../../lib/safe-redirect';
import { LanguageSwitch } from '../user-menu/LanguageSwitch';
import { SignUpModal } from './SignUpModal';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useSystemInfo } from '../../hooks/use-system-info';

interface Credentials {
  principal: string;
  password: string;
}

/**
 * Sign in with a username or e-mail and a password; sign up too when self-registration is on. In oidc_auth mode the
 * way in is the OIDC provider; the password form (for the local admin) is behind "Sign in as a local user", as in
 * Harbor.
 */
export function SignInPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const info = useSystemInfo();
  const [signingUp, setSigningUp] = useState(false);
  const [localForm, setLocalForm] = useState(false);
  useDocumentTitle(t('signIn.submit'));
  const target = safeRedirect(params.get('redirect'));
  const login = useMutation({
    mutationFn: ({ principal, password }: Credentials) => signIn(principal, password),
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      await navigate(target, { replace: true });
    },
  });
  if (user) return <Navigate to={target} replace />;
  const oidc = info.data?.auth_mode === 'oidc_auth';
  return (
    <Layout style={{ minHeight: '100vh', alignItems: 'center', justifyContent: 'center' }}>
      <div style={{ position: 'absolute', top: 16, right: 24 }}>
        <LanguageSwitch />
      </div>
      <Card style={{ width: 400 }}>
        <Typography.Title level={2} style={{ textAlign: 'center' }}>
          {t('app.name')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          {t('signIn.subtitle')}
        </Typography.Paragraph>
        {oidc ? (
          <>
            <Button type="primary" block size="large" icon={<LoginOutlined />} href={oidcLoginUrl(target)}>
              {t('signIn.viaOidc', { name: info.data?.oidc_provider_name || t('signIn.oidcProvider') })}
            </Button>
            <Button
              type="link"
              block
              aria-expanded={localForm}
              onClick={() => setLocalForm((shown) => !shown)}
              style={{ margin: '8px 0' }}
            >
              {t('signIn.localUser')}
            </Button>
          </>
        ) : null}
        {!oidc || localForm ? (
          <>
            <ErrorAlert error={login.error} />
            <Form<Credentials>
              name="sign-in"
              layout="vertical"
              onFinish={(values) => login.mutate(values)}
              requiredMark={false}
            >
              <Form.Item
                name="principal"
                label={t('signIn.username')}
                rules={[{ required: true, message: t('signIn.usernameRequired') }]}
              >
                <Input autoComplete="username" autoFocus />
              </Form.Item>
              <Form.Item
                name="password"
                label={t('signIn.password')}
                rules={[{ required: true, message: t('signIn.passwordRequired') }]}
              >
                <Input.Password autoComplete="current-password" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={login.isPending}>
                {t('signIn.submit')}
              </Button>
            </Form>
          </>
        ) : null}
        {info.data?.auth_mode === undefined || info.data.auth_mode === 'db_auth' ? (
          <div style={{ marginTop: 12, textAlign: 'center' }}>
            <Link to="/forgot-password">{t('signIn.forgotPassword')}</Link>
          </div>
        ) : null}
        {info.data?.self_registration && !oidc ? (
          <Button type="link" block onClick={() => setSigningUp(true)} style={{ marginTop: 8 }}>
            {t('signIn.signUp')}
          </Button>
        ) : null}
      </Card>
      <SignUpModal open={signingUp} onClose={() => setSigningUp(false)} />
    </Layout>
  );
}
