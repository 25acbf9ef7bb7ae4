import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createUser } from '../../api/users';
import { FormModal } from '../../components/FormModal';
import { UserFields, type UserFormValues } from '../../components/user-fields';
import { useFeedback } from '../../hooks/use-feedback';

export function CreateUserModal(props: { open: boolean; onClose: () => void; onCreated: () => Promise<void> }) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const create = useMutation({
    mutationFn: ({ username, email, realname, comment, password }: UserFormValues) =>
      createUser({ username, email, realname, comment, password }),
    onSuccess: async (_, values) => {
      feedback.success(t('users.created', { name: values.username }));
      props.onClose();
      await props.onCreated();
    },
  });
  return (
    <FormModal<UserFormValues>
      name="create-user"
      open={props.open}
      title={t('users.create')}
      pending={create.isPending}
      error={create.error}
      onCancel={() => {
        create.reset();
        props.onClose();
      }}
      onSubmit={(values) => create.mutate(values)}
    >
      <UserFields />
    </FormModal>
  );
}
