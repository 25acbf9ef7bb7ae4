import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { UserResp } from '../../api/models';
import { setPassword } from '../../api/users';
import { FormModal } from '../../components/FormModal';
import { NewPasswordFields } from '../../components/password-fields';
import { useFeedback } from '../../hooks/use-feedback';

/** An administrator sets a new password for another user (no old password needed). */
export function ResetPasswordModal({ user, onClose }: { user: UserResp | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const reset = useMutation({
    mutationFn: ({ password }: { password: string }) => setPassword(user?.user_id ?? 0, password),
    onSuccess: () => {
      feedback.success(t('password.changed'));
      onClose();
    },
  });
  return (
    <FormModal<{ password: string }>
      name="reset-password"
      open={user !== undefined}
      title={t('users.resetPasswordOf', { name: user?.username })}
      pending={reset.isPending}
      error={reset.error}
      onCancel={() => {
        reset.reset();
        onClose();
      }}
      onSubmit={(values) => reset.mutate(values)}
    >
      <NewPasswordFields />
    </FormModal>
  );
}
