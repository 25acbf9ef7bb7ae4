import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Descriptions, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { UserProfile } from '../../api/models';
import { updateProfile } from '../../api/users';
import { SESSION_KEY } from '../../app/query-client';
import { useSession } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { useFeedback } from '../../hooks/use-feedback';
import { CliSecretCard } from './CliSecretCard';

/** The signed-in user's profile (e-mail, full name, comment) and, for an OIDC user, their CLI secret. */
export function ProfilePage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const { user } = useSession();
  useDocumentTitle(t('profile.title'));
  const save = useMutation({
    mutationFn: (values: UserProfile) => updateProfile(user?.user_id ?? 0, values),
    onSuccess: async () => {
      feedback.success(t('common.saved'));
      await queryClient.invalidateQueries({ queryKey: SESSION_KEY });
    },
  });
  if (!user) return null;
  const secret = user.oidc_user_meta?.secret;
  return (
    <>
      <Typography.Title level={2}>{t('profile.title')}</Typography.Title>
      <Card style={{ maxWidth: 720 }}>
        <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('user.username')}>{user.username}</Descriptions.Item>
        </Descriptions>
        <ErrorAlert error={save.error} />
        <Form<UserProfile>
          name="profile"
          layout="vertical"
          initialValues={{ email: user.email, realname: user.realname, comment: user.comment }}
          onFinish={(values) => save.mutate(values)}
        >
          <Form.Item name="email" label={t('user.email')} rules={[{ type: 'email', message: t('user.emailInvalid') }]}>
            <Input autoComplete="email" />
          </Form.Item>
          <Form.Item name="realname" label={t('user.realname')}>
            <Input autoComplete="name" />
          </Form.Item>
          <Form.Item name="comment" label={t('user.comment')}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Form>
      </Card>
      {secret !== undefined ? <CliSecretCard userId={user.user_id} username={user.username} secret={secret} /> : null}
    </>
  );
}
