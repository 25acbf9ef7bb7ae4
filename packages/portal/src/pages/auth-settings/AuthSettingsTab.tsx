import { ApiOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, Input, Select, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  AUTH_MODES,
  type AllConfigurationsResponse,
  type AuthMode,
  type LdapConf,
  type LdapPingResult,
} from '../../api/identity-models';
import { pingLdap } from '../../api/ldap';
import { pingOidc } from '../../api/oidc';
import { configurations, updateConfigurations } from '../../api/system';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useFeedback } from '../../hooks/use-feedback';
import {
  changesOf,
  initialValues,
  itemOf,
  LDAP_FIELDS,
  OIDC_FIELDS,
  otherKeys,
  shownFields,
  type AuthValues,
} from './auth-fields';
import { AuthField, OtherField } from './AuthFieldItem';

const SECRETS = ['ldap_search_password', 'oidc_client_secret'];
/** The keys of each section's settings start with these. */
const LDAP_PREFIX = 'ldap_';
const OIDC_PREFIX = 'oidc_';
const HTTP_PREFIX = 'http_authproxy_';

/**
 * How users sign in: the authentication mode (which the server freezes once users other than admin exist), the
 * LDAP settings with a test of the directory, the OIDC settings with a test of the provider. Secrets are write-only.
 */
export function AuthSettingsTab() {
  const settings = useQuery({ queryKey: ['configurations'], queryFn: configurations });
  if (settings.isPending) return <Spin />;
  if (settings.isError) return <ErrorAlert error={settings.error} />;
  return <AuthSettingsForm response={settings.data} />;
}

function AuthSettingsForm({ response }: { response: AllConfigurationsResponse }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const [form] = Form.useForm<AuthValues>();
  const mode = Form.useWatch('auth_mode', form) as AuthMode | undefined;
  const save = useMutation({
    mutationFn: () =>
      updateConfigurations(changesOf(response, form.getFieldsValue(true) as Record<string, unknown>, SECRETS)),
    onSuccess: async () => {
      feedback.success(t('common.saved'));
      form.setFieldsValue({ ldap_search_password: '', oidc_client_secret: '' });
      await queryClient.invalidateQueries({ queryKey: ['configurations'] });
      await queryClient.invalidateQueries({ queryKey: ['systeminfo'] });
    },
  });
  const ldapPing = useMutation({
    mutationFn: () => {
      const v = form.getFieldsValue(true) as AuthValues;
      const conf: LdapConf = {
        ldap_url: v.ldap_url,
        ldap_search_dn: v.ldap_search_dn,
        ldap_base_dn: v.ldap_base_dn,
        ldap_filter: v.ldap_filter,
        ldap_uid: v.ldap_uid,
        ldap_scope: v.ldap_scope,
        ldap_connection_timeout: v.ldap_timeout ?? undefined,
        ldap_start_tls: v.ldap_start_tls,
        ldap_verify_cert: v.ldap_verify_cert,
        // Left out, the server tests with the stored password.
        ...(v.ldap_search_password ? { ldap_search_password: v.ldap_search_password } : {}),
      };
      return pingLdap(conf);
    },
  });
  const oidcPing = useMutation({
    mutationFn: () => {
      const v = form.getFieldsValue(true) as AuthValues;
      return pingOidc({ url: v.oidc_endpoint ?? '', verify_cert: v.oidc_verify_cert ?? true });
    },
  });
  const ldapFields = shownFields<(typeof LDAP_FIELDS)[number]>(LDAP_FIELDS, response);
  const oidcFields = shownFields<(typeof OIDC_FIELDS)[number]>(OIDC_FIELDS, response);
  // The authenticating proxy's settings (Harbor's http_authproxy_*), when the server has them, by their names.
  const httpKeys = otherKeys(HTTP_PREFIX, [], response);
  const modeItem = response.auth_mode;
  return (
    <Form<AuthValues>
      form={form}
      name="auth-settings"
      layout="vertical"
      initialValues={initialValues(response)}
      onFinish={() => save.mutate()}
      style={{ maxWidth: 720 }}
    >
      <ErrorAlert error={save.error} />
      <Card title={t('authSettings.title')} style={{ marginBottom: 16 }}>
        {modeItem?.editable === true ? (
          <Form.Item name="auth_mode" label={t('authSettings.authMode')} extra={t('authSettings.authModeHelp')}>
            <Select
              style={{ width: 320 }}
              options={AUTH_MODES.map((m) => ({ value: m, label: t(`authSettings.modes.${m}`) }))}
            />
          </Form.Item>
        ) : (
          // Not a disabled control (too faint to read): the mode as text, and why it cannot change.
          <Form.Item label={t('authSettings.authMode')} extra={t('authSettings.authModeFrozen')}>
            <Typography.Text strong>{mode ? t(`authSettings.modes.${mode}`) : null}</Typography.Text>
            <Form.Item name="auth_mode" hidden noStyle>
              <Input />
            </Form.Item>
          </Form.Item>
        )}
      </Card>
      {mode === 'ldap_auth' ? (
        <Card title={t('authSettings.ldapTitle')} style={{ marginBottom: 16 }}>
          {ldapFields.length === 0 ? <Alert type="info" showIcon message={t('authSettings.notAvailable')} /> : null}
          {ldapFields.map((field) => (
            <AuthField key={field.key} field={field} response={response} />
          ))}
          {otherKeys(LDAP_PREFIX, LDAP_FIELDS, response).map((key) => (
            <OtherField key={key} name={key} item={itemOf(response, key)} />
          ))}
          {ldapFields.length > 0 ? (
            <PingResult
              pending={ldapPing.isPending}
              onTest={() => ldapPing.mutate()}
              label={t('authSettings.testLdap')}
              error={ldapPing.error}
              result={ldapPing.data}
            />
          ) : null}
        </Card>
      ) : null}
      {mode === 'oidc_auth' ? (
        <Card title={t('authSettings.oidcTitle')} style={{ marginBottom: 16 }}>
          {oidcFields.length === 0 ? <Alert type="info" showIcon message={t('authSettings.notAvailable')} /> : null}
          {oidcFields.map((field) => (
            <AuthField key={field.key} field={field} response={response} />
          ))}
          {otherKeys(OIDC_PREFIX, OIDC_FIELDS, response).map((key) => (
            <OtherField key={key} name={key} item={itemOf(response, key)} />
          ))}
          {oidcFields.length > 0 ? (
            <PingResult
              pending={oidcPing.isPending}
              onTest={() => oidcPing.mutate()}
              label={t('authSettings.testOidc')}
              error={oidcPing.error}
              result={oidcPing.isSuccess ? { success: true } : undefined}
            />
          ) : null}
        </Card>
      ) : null}
      {mode === 'http_auth' ? (
        <Card title={t('authSettings.httpTitle')} style={{ marginBottom: 16 }}>
          {httpKeys.length === 0 ? <Alert type="info" showIcon message={t('authSettings.notAvailable')} /> : null}
          {httpKeys.map((key) => (
            <OtherField key={key} name={key} item={itemOf(response, key)} />
          ))}
        </Card>
      ) : null}
      <Button type="primary" htmlType="submit" loading={save.isPending}>
        {t('common.save')}
      </Button>
    </Form>
  );
}

/** A "test the server" button and what the test said: success, the server's message, or the call's error. */
function PingResult(props: {
  pending: boolean;
  onTest: () => void;
  label: string;
  error: unknown;
  result: LdapPingResult | undefined;
}) {
  const { t } = useTranslation();
  const { result } = props;
  return (
    <Flex vertical gap={12}>
      <Space>
        <Button icon={<ApiOutlined />} loading={props.pending} onClick={props.onTest}>
          {props.label}
        </Button>
      </Space>
      <ErrorAlert error={props.error} />
      {result ? (
        <Alert
          type={result.success === false ? 'error' : 'success'}
          showIcon
          role="status"
          message={result.success === false ? t('authSettings.testFailed') : t('authSettings.testSucceeded')}
          description={result.message || undefined}
        />
      ) : null}
    </Flex>
  );
}
