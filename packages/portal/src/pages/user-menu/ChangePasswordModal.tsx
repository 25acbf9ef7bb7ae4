import { useMutation } from '@tanstack/react-query';
import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { setPassword } from '../../api/users';
import { useSession } from '../../app/session';
import { FormModal } from '../../components/FormModal';
import { NewPasswordFields } from '../../components/password-fields';
import { useFeedback } from '../../hooks/use-feedback';

interface Values {
  oldPassword: string;
  password: string;
}

/** The signed-in user changes their own password (the old one is required). */
export function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const feedback = useFeedback();
  const change = useMutation({
    mutationFn: (values: Values) => setPassword(user?.user_id ?? 0, values.password, values.oldPassword),
    onSuccess: () => {
      feedback.success(t('password.changed'));
      onClose();
    },
  });
  return (
    <FormModal<Values>
      name="change-password"
      open={open}
      title={t('userMenu.changePassword')}
      pending={change.isPending}
      error={change.error}
      onCancel={() => {
        change.reset();
        onClose();
      }}
      onSubmit={(values) => change.mutate(values)}
    >
      <Form.Item
        name="oldPassword"
        label={t('password.current')}
        rules={[{ required: true, message: t('password.required') }]}
      >
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <NewPasswordFields />
    </FormModal>
  );
}
