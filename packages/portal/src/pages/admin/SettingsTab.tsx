import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, InputNumber, Select, Spin, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Configurations } from '../../api/models';
import { configurations, updateConfigurations } from '../../api/system';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useFeedback } from '../../hooks/use-feedback';

/** The system settings stored in the database: registration, project creation, token lifetime, read-only mode. */
export function SettingsTab() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const settings = useQuery({ queryKey: ['configurations'], queryFn: configurations });
  const save = useMutation({
    mutationFn: updateConfigurations,
    onSuccess: async () => {
      feedback.success(t('common.saved'));
      await queryClient.invalidateQueries({ queryKey: ['configurations'] });
      await queryClient.invalidateQueries({ queryKey: ['systeminfo'] });
    },
  });
  if (settings.isPending) return <Spin />;
  if (settings.isError) return <ErrorAlert error={settings.error} />;
  const s = settings.data;
  const initial: Configurations = {
    self_registration: s.self_registration?.value,
    project_creation_restriction: s.project_creation_restriction?.value,
    token_expiration: s.token_expiration?.value,
    read_only: s.read_only?.value,
  };
  return (
    <Card style={{ maxWidth: 720 }}>
      <ErrorAlert error={save.error} />
      <Form<Configurations>
        name="settings"
        layout="vertical"
        initialValues={initial}
        onFinish={(values) => save.mutate(values)}
      >
        <Form.Item label={t('settings.authMode')}>
          <Typography.Text>{s.auth_mode ? t(`authSettings.modes.${s.auth_mode.value}`) : null}</Typography.Text>
        </Form.Item>
        <Form.Item
          name="self_registration"
          label={t('settings.selfRegistration')}
          valuePropName="checked"
          extra={t('settings.selfRegistrationHelp')}
        >
          <Switch disabled={s.self_registration?.editable === false} />
        </Form.Item>
        <Form.Item name="project_creation_restriction" label={t('settings.projectCreation')}>
          <Select
            disabled={s.project_creation_restriction?.editable === false}
            style={{ width: 280 }}
            options={[
              { value: 'everyone', label: t('settings.everyone') },
              { value: 'adminonly', label: t('settings.adminOnly') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="token_expiration"
          label={t('settings.tokenExpiration')}
          extra={t('settings.tokenExpirationHelp')}
        >
          <InputNumber min={1} max={525600} disabled={s.token_expiration?.editable === false} />
        </Form.Item>
        <Form.Item
          name="read_only"
          label={t('settings.readOnly')}
          valuePropName="checked"
          extra={t('settings.readOnlyHelp')}
        >
          <Switch disabled={s.read_only?.editable === false} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}
