import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createUser } from '../../api/users';
import { FormModal } from '../../components/FormModal';
import { UserFields, type UserFormValues } from '../../components/user-fields';
import { useFeedback } from '../../hooks/use-feedback';

/** Self-registration: creates an account, then the visitor signs in with it. */
export function SignUpModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const signUp = useMutation({
    mutationFn: ({ username, email, realname, comment, password }: UserFormValues) =>
      createUser({ username, email, realname, comment, password }),
    onSuccess: () => {
      feedback.success(t('signUp.done'));
      onClose();
    },
  });
  return (
    <FormModal<UserFormValues>
      name="sign-up"
      open={open}
      title={t('signUp.title')}
      okText={t('signUp.submit')}
      pending={signUp.isPending}
      error={signUp.error}
      onCancel={onClose}
      onSubmit={(values) => signUp.mutate(values)}
    >
      <UserFields />
    </FormModal>
  );
}
