import { useMutation } from '@tanstack/react-query';
import { Button, Card, Form, Input, Layout, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { requestPasswordReset } from '../../api/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { LanguageSwitch } from '../user-menu/LanguageSwitch';

/** "Forgot password?": asks for the account's e-mail address; the server mails a reset link if it knows it. */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('forgotPassword.title'));
  const send = useMutation({ mutationFn: ({ email }: { email: string }) => requestPasswordReset(email) });
  return (
    <Layout style={{ minHeight: '100vh', alignItems: 'center', justifyContent: 'center' }}>
      <div style={{ position: 'absolute', top: 16, right: 24 }}>
        <LanguageSwitch />
      </div>
      <Card style={{ width: 420 }}>
        {send.isSuccess ? (
          <Result
            status="success"
            title={t('forgotPassword.sentTitle')}
            subTitle={t('forgotPassword.sent')}
            extra={<Link to="/sign-in">{t('forgotPassword.backToSignIn')}</Link>}
          />
        ) : (
          <>
            <Typography.Title level={3}>{t('forgotPassword.title')}</Typography.Title>
            <Typography.Paragraph type="secondary">{t('forgotPassword.explain')}</Typography.Paragraph>
            <ErrorAlert error={send.error} />
            <Form<{ email: string }>
              name="forgot-password"
              layout="vertical"
              requiredMark={false}
              onFinish={(values) => send.mutate(values)}
            >
              <Form.Item
                name="email"
                label={t('user.email')}
                rules={[
                  { required: true, message: t('user.emailRequired') },
                  { type: 'email', message: t('user.emailInvalid') },
                ]}
              >
                <Input type="email" autoComplete="email" autoFocus />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={send.isPending}>
                {t('forgotPassword.submit')}
              </Button>
            </Form>
            <div style={{ marginTop: 12, textAlign: 'center' }}>
              <Link to="/sign-in">{t('forgotPassword.backToSignIn')}</Link>
            </div>
          </>
        )}
      </Card>
    </Layout>
  );
}
