import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { setCliSecret } from '../../api/oidc';
import { SESSION_KEY } from '../../app/query-client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyButton } from '../../components/CopyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormModal } from '../../components/FormModal';
import { useFeedback } from '../../hooks/use-feedback';
import { generateCliSecret } from '../../lib/cli-secret';
import { meetsPasswordPolicy } from '../../lib/password-policy';

/**
 * An OIDC user's CLI secret: the password docker, podman and other CLIs use for them (they cannot follow the OIDC
 * sign-in). Shown hidden, copied, replaced by a generated one, or set by the user.
 */
export function CliSecretCard({ userId, username, secret }: { userId: number; username: string; secret: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const [setting, setSetting] = useState(false);
  const change = useMutation({
    mutationFn: (next: string) => setCliSecret(userId, next),
    onSuccess: async () => {
      feedback.success(t('cliSecret.changed'));
      setSetting(false);
      await queryClient.invalidateQueries({ queryKey: SESSION_KEY });
    },
  });
  return (
    <Card title={t('cliSecret.title')} style={{ maxWidth: 720, marginTop: 16 }}>
      <Typography.Paragraph type="secondary">{t('cliSecret.explanation', { username })}</Typography.Paragraph>
      {setting ? null : <ErrorAlert error={change.error} />}
      <Input.Password value={secret} readOnly aria-label={t('cliSecret.title')} style={{ marginBottom: 16 }} />
      <Space wrap>
        <CopyButton text={secret} label={t('cliSecret.copy')} />
        <ConfirmButton
          question={t('cliSecret.generateConfirm')}
          onConfirm={() => change.mutate(generateCliSecret())}
          loading={change.isPending && !setting}
        >
          {t('cliSecret.generate')}
        </ConfirmButton>
        <Button onClick={() => setSetting(true)}>{t('cliSecret.set')}</Button>
      </Space>
      <FormModal<{ secret: string }>
        name="cli-secret"
        open={setting}
        title={t('cliSecret.set')}
        pending={change.isPending}
        error={change.error}
        onCancel={() => {
          change.reset();
          setSetting(false);
        }}
        onSubmit={(values) => change.mutate(values.secret)}
      >
        <Form.Item
          name="secret"
          label={t('cliSecret.new')}
          extra={t('password.policy')}
          rules={[
            { required: true, message: t('cliSecret.required') },
            {
              validator: (_rule, value: string | undefined) =>
                !value || meetsPasswordPolicy(value)
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('password.policy'))),
            },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </FormModal>
    </Card>
  );
}
