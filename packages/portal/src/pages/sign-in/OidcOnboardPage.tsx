import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, Layout, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { onboardOidcUser } from '../../api/oidc';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { safeRedirect } from '../../lib/safe-redirect';
import { LanguageSwitch } from '../user-menu/LanguageSwitch';

interface Values {
  username: string;
}

/**
 * The first OIDC sign-in of someone the provider names without a usable user name (automatic onboarding off): they
 * choose their Wharf user name (the provider's suggestion is filled in), and the server creates the user and signs
 * them in. A name already taken is refused and may be changed.
 */
export function OidcOnboardPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  useDocumentTitle(t('onboard.title'));
  const target = safeRedirect(params.get('redirect_url'));
  const onboard = useMutation({
    mutationFn: (values: Values) => onboardOidcUser(values.username.trim()),
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      await navigate(target, { replace: true });
    },
  });
  return (
    <Layout style={{ minHeight: '100vh', alignItems: 'center', justifyContent: 'center' }}>
      <div style={{ position: 'absolute', top: 16, right: 24 }}>
        <LanguageSwitch />
      </div>
      <Card style={{ width: 440 }}>
        <Typography.Title level={2} style={{ textAlign: 'center' }}>
          {t('onboard.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('onboard.explanation')}</Typography.Paragraph>
        <ErrorAlert error={onboard.error} />
        <Form<Values>
          name="oidc-onboard"
          layout="vertical"
          initialValues={{ username: params.get('username') ?? '' }}
          onFinish={(values) => onboard.mutate(values)}
          requiredMark={false}
        >
          <Form.Item
            name="username"
            label={t('user.username')}
            extra={t('onboard.usernameHelp')}
            rules={[
              { required: true, whitespace: true, message: t('user.usernameRequired') },
              { max: 255, message: t('onboard.usernameTooLong') },
            ]}
          >
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={onboard.isPending}>
            {t('onboard.submit')}
          </Button>
        </Form>
      </Card>
    </Layout>
  );
}
