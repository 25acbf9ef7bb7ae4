import { Form, Input } from 'antd';
import type { Rule } from 'antd/es/form';
import { useTranslation } from 'react-i18next';
import { meetsPasswordPolicy } from '../lib/password-policy';

/** A new password and its confirmation, checked against Harbor's password rule before anything is sent. */
export function NewPasswordFields({ name = 'password' }: { name?: string }) {
  const { t } = useTranslation();
  const policy: Rule = {
    validator: (_rule, value: string | undefined) =>
      !value || meetsPasswordPolicy(value) ? Promise.resolve() : Promise.reject(new Error(t('password.policy'))),
  };
  return (
    <>
      <Form.Item
        name={name}
        label={t('password.new')}
        extra={t('password.policy')}
        rules={[{ required: true, message: t('password.required') }, policy]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name={`${name}Confirm`}
        label={t('password.confirm')}
        dependencies={[name]}
        rules={[
          { required: true, message: t('password.required') },
          ({ getFieldValue }) => ({
            validator: (_rule, value: string | undefined) =>
              !value || value === getFieldValue(name)
                ? Promise.resolve()
                : Promise.reject(new Error(t('password.mismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
    </>
  );
}
