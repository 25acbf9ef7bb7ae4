import type { TFunction } from 'i18next';
import { Form, Input, InputNumber, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AllConfigurationsResponse } from '../../api/identity-models';
import { itemOf, type FieldKind } from './auth-fields';
import type { LdapKey, OidcKey } from './auth-fields';

type Key = LdapKey | OidcKey;

/** Harbor's LDAP search scopes. */
const SCOPES = [0, 1, 2] as const;

/** One known LDAP or OIDC setting: its label, help and control; disabled when the server says it is not editable. */
export function AuthField({
  field,
  response,
}: {
  field: { readonly key: Key; readonly kind: FieldKind; readonly help?: boolean };
  response: AllConfigurationsResponse;
}) {
  const { t } = useTranslation();
  const disabled = field.kind !== 'secret' && itemOf(response, field.key)?.editable === false;
  const help = field.help ? t(`authSettings.help.${field.key as HelpKey}`) : undefined;
  return (
    <Form.Item
      name={field.key}
      label={t(`authSettings.fields.${field.key}`)}
      extra={field.kind === 'secret' ? t('authSettings.secretHelp') : help}
      valuePropName={field.kind === 'switch' ? 'checked' : 'value'}
    >
      {control(field.kind, disabled, t)}
    </Form.Item>
  );
}

type HelpKey =
  | 'ldap_url'
  | 'ldap_search_dn'
  | 'ldap_filter'
  | 'ldap_uid'
  | 'ldap_group_attribute_name'
  | 'ldap_group_admin_dn'
  | 'ldap_group_membership_attribute'
  | 'oidc_name'
  | 'oidc_endpoint'
  | 'oidc_scope'
  | 'oidc_groups_claim'
  | 'oidc_group_filter'
  | 'oidc_user_claim'
  | 'oidc_auto_onboard'
  | 'oidc_extra_redirect_parms';

function control(kind: FieldKind, disabled: boolean, t: TFunction) {
  switch (kind) {
    case 'text':
      return <Input disabled={disabled} />;
    case 'secret':
      return <Input.Password autoComplete="new-password" placeholder={t('authSettings.unchanged')} />;
    case 'number':
      return <InputNumber min={1} max={3600} disabled={disabled} />;
    case 'switch':
      return <Switch disabled={disabled} />;
    case 'scope':
      return (
        <Select
          disabled={disabled}
          style={{ width: 240 }}
          options={SCOPES.map((scope) => ({ value: scope, label: t(`authSettings.scopes.${scope}`) }))}
        />
      );
  }
}

/** A setting of the server the portal has no field for: named by its key, edited according to its value's type. */
export function OtherField({ name, item }: { name: string; item: { value: unknown; editable: boolean } | undefined }) {
  const disabled = item?.editable === false;
  const value = item?.value;
  return (
    <Form.Item name={name} label={name} valuePropName={typeof value === 'boolean' ? 'checked' : 'value'}>
      {typeof value === 'boolean' ? (
        <Switch disabled={disabled} />
      ) : typeof value === 'number' ? (
        <InputNumber disabled={disabled} />
      ) : (
        <Input disabled={disabled} />
      )}
    </Form.Item>
  );
}
