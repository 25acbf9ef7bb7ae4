import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Layout, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { resetPassword } from '../../api/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { NewPasswordFields } from '../../components/password-fields';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { LanguageSwitch } from '../user-menu/LanguageSwitch';

/** The page an e-mailed reset link opens (`/reset-password?reset_uuid=…`): choose a new password. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const token = params.get('reset_uuid') ?? '';
  useDocumentTitle(t('resetPassword.title'));
  const reset = useMutation({ mutationFn: ({ password }: { password: string }) => resetPassword(token, password) });
  let body;
  if (reset.isSuccess) {
    body = (
      <Result
        status="success"
        title={t('resetPassword.done')}
        extra={
          <Button type="primary" onClick={() => void navigate('/sign-in')}>
            {t('signIn.submit')}
          </Button>
        }
      />
    );
  } else if (token === '') {
    body = (
      <>
        <Alert type="error" showIcon message={t('resetPassword.noToken')} />
        <div style={{ marginTop: 12, textAlign: 'center' }}>
          <Link to="/forgot-password">{t('resetPassword.askAgain')}</Link>
        </div>
      </>
    );
  } else {
    body = (
      <>
        <Typography.Title level={3}>{t('resetPassword.title')}</Typography.Title>
        <ErrorAlert error={reset.error} />
        {reset.isError ? (
          <Typography.Paragraph>
            <Link to="/forgot-password">{t('resetPassword.askAgain')}</Link>
          </Typography.Paragraph>
        ) : null}
        <Form<{ password: string }>
          name="reset-password"
          layout="vertical"
          requiredMark={false}
          onFinish={(values) => reset.mutate(values)}
        >
          <NewPasswordFields />
          <Button type="primary" htmlType="submit" block loading={reset.isPending}>
            {t('resetPassword.submit')}
          </Button>
        </Form>
      </>
    );
  }
  return (
    <Layout style={{ minHeight: '100vh', alignItems: 'center', justifyContent: 'center' }}>
      <div style={{ position: 'absolute', top: 16, right: 24 }}>
        <LanguageSwitch />
      </div>
      <Card style={{ width: 420 }}>{body}</Card>
    </Layout>
  );
}
