import { Checkbox, Form, Input, Select, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { WebhookPolicy } from '../../api/webhooks';
import { FormModal } from '../../components/FormModal';

/** The form's fields: one target, as Harbor's portal edits a policy. */
export interface WebhookForm {
  name: string;
  description: string;
  enabled: boolean;
  type: 'http' | 'slack';
  address: string;
  authHeader: string;
  skipCertVerify: boolean;
  payloadFormat: 'Default' | 'CloudEvents';
  eventTypes: string[];
}

const EMPTY: WebhookForm = {
  name: '',
  description: '',
  enabled: true,
  type: 'http',
  address: '',
  authHeader: '',
  skipCertVerify: false,
  payloadFormat: 'Default',
  eventTypes: [],
};

/** The form of a policy (its first target). */
export function formOf(policy: WebhookPolicy): WebhookForm {
  const target = policy.targets[0];
  return {
    name: policy.name,
    description: policy.description ?? '',
    enabled: policy.enabled ?? true,
    type: target?.type ?? 'http',
    address: target?.address ?? '',
    authHeader: target?.auth_header ?? '',
    skipCertVerify: target?.skip_cert_verify ?? false,
    payloadFormat: target?.payload_format === 'CloudEvents' ? 'CloudEvents' : 'Default',
    eventTypes: [...policy.event_types],
  };
}

/** Harbor's body for the form; a policy's further targets (set through the API) are kept. */
export function policyOf(form: WebhookForm, previous?: WebhookPolicy): WebhookPolicy {
  return {
    name: form.name.trim(),
    description: form.description,
    enabled: form.enabled,
    event_types: form.eventTypes as WebhookPolicy['event_types'],
    targets: [
      {
        type: form.type,
        address: form.address.trim(),
        auth_header: form.type === 'http' ? form.authHeader : '',
        skip_cert_verify: form.skipCertVerify,
        // As Harbor: Slack targets take no payload format.
        ...(form.type === 'http' ? { payload_format: form.payloadFormat } : {}),
      },
      ...(previous?.targets.slice(1) ?? []),
    ],
  };
}

export interface WebhookModalProps {
  readonly open: boolean;
  /** The policy edited; a new one when undefined. */
  readonly initial: WebhookPolicy | undefined;
  readonly eventTypes: readonly string[];
  readonly pending: boolean;
  readonly error: unknown;
  readonly onCancel: () => void;
  readonly onSubmit: (form: WebhookForm) => void;
}

/** Creates or edits a webhook policy: name, events, and where they go (HTTP or Slack) in which format. */
export function WebhookModal(props: WebhookModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<WebhookForm>();
  const type = Form.useWatch('type', form) ?? 'http';
  useEffect(() => {
    if (props.open) form.setFieldsValue(props.initial ? formOf(props.initial) : EMPTY);
  }, [props.open, props.initial, form]);
  return (
    <FormModal<WebhookForm>
      name="webhookPolicy"
      form={form}
      open={props.open}
      title={props.initial ? t('webhooks.edit') : t('webhooks.create')}
      okText={t('common.save')}
      pending={props.pending}
      error={props.error}
      onCancel={props.onCancel}
      onSubmit={(values) => props.onSubmit({ ...EMPTY, ...values })}
    >
      <Form.Item name="name" label={t('webhooks.fields.name')} rules={[{ required: true, whitespace: true }]}>
        <Input />
      </Form.Item>
      <Form.Item name="description" label={t('webhooks.fields.description')}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
      </Form.Item>
      <Form.Item name="type" label={t('webhooks.fields.notifyType')}>
        <Select
          options={[
            { value: 'http', label: 'HTTP' },
            { value: 'slack', label: 'Slack' },
          ]}
        />
      </Form.Item>
      {type === 'http' ? (
        <Form.Item name="payloadFormat" label={t('webhooks.fields.payloadFormat')}>
          <Select
            options={[
              { value: 'Default', label: t('webhooks.formats.Default') },
              { value: 'CloudEvents', label: t('webhooks.formats.CloudEvents') },
            ]}
          />
        </Form.Item>
      ) : null}
      <Form.Item
        name="eventTypes"
        label={t('webhooks.fields.eventTypes')}
        rules={[{ required: true, type: 'array', min: 1 }]}
      >
        <Checkbox.Group
          options={props.eventTypes.map((value) => ({
            value,
            label: t(`webhooks.events.${value}`, { defaultValue: value }),
          }))}
        />
      </Form.Item>
      <Form.Item
        name="address"
        label={t('webhooks.fields.address')}
        extra={t('webhooks.fields.addressHelp')}
        rules={[{ required: true, type: 'url' }]}
      >
        <Input />
      </Form.Item>
      {type === 'http' ? (
        <Form.Item
          name="authHeader"
          label={t('webhooks.fields.authHeader')}
          extra={t('webhooks.fields.authHeaderHelp')}
        >
          <Input.Password autoComplete="off" />
        </Form.Item>
      ) : null}
      <Form.Item name="skipCertVerify" valuePropName="checked">
        <Checkbox>{t('webhooks.fields.skipCertVerify')}</Checkbox>
      </Form.Item>
      <Form.Item name="enabled" label={t('webhooks.fields.enabled')} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormModal>
  );
}
