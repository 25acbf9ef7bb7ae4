import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { NewPasswordFields } from './password-fields';

/** The fields of a new user: name, e-mail, full name, comment and password (sign-up and administration). */
export function UserFields() {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item
        name="username"
        label={t('user.username')}
        rules={[{ required: true, message: t('user.usernameRequired') }, { max: 255 }]}
      >
        <Input autoComplete="username" />
      </Form.Item>
      <Form.Item
        name="email"
        label={t('user.email')}
        rules={[
          { required: true, message: t('user.emailRequired') },
          { type: 'email', message: t('user.emailInvalid') },
        ]}
      >
        <Input type="email" autoComplete="email" />
      </Form.Item>
      <Form.Item name="realname" label={t('user.realname')}>
        <Input autoComplete="name" />
      </Form.Item>
      <Form.Item name="comment" label={t('user.comment')}>
        <Input />
      </Form.Item>
      <NewPasswordFields />
    </>
  );
}

export interface UserFormValues {
  username: string;
  email: string;
  realname?: string;
  comment?: string;
  password: string;
}
