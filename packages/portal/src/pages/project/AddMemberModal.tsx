import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AutoComplete, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { addMember, ROLES, type RoleId } from '../../api/members';
import { searchUsers } from '../../api/users';
import { FormModal } from '../../components/FormModal';
import { useFeedback } from '../../hooks/use-feedback';
import { RoleSelect } from './RoleSelect';

interface Values {
  username: string;
  roleId: RoleId;
}

type AutoCompleteProps = Parameters<typeof AutoComplete>[0];

/**
 * The user name field with suggestions. A required Form.Item marks its control `aria-required`, and AutoComplete
 * puts that on its wrapping element, where the attribute is not allowed (axe-core: aria-allowed-attr); here it goes
 * on the text box itself.
 */
function UserNameField({ 'aria-required': required, ...props }: AutoCompleteProps & { 'aria-required'?: boolean }) {
  return (
    <AutoComplete {...props}>
      <Input aria-required={required} />
    </AutoComplete>
  );
}

/** Adds a user to the project with a role; the name field suggests existing users as one types. */
export function AddMemberModal({ project, open, onClose }: { project: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const [typed, setTyped] = useState('');
  const suggestions = useQuery({
    queryKey: ['user-search', typed],
    queryFn: () => searchUsers(typed),
    enabled: open && typed.trim().length > 0,
  });
  const add = useMutation({
    mutationFn: (values: Values) => addMember(project, values.username.trim(), values.roleId),
    onSuccess: async (_, values) => {
      feedback.success(t('members.added', { name: values.username }));
      onClose();
      await queryClient.invalidateQueries({ queryKey: ['members', project] });
    },
  });
  return (
    <FormModal<Values>
      name="add-member"
      open={open}
      title={t('members.add')}
      pending={add.isPending}
      error={add.error}
      onCancel={() => {
        add.reset();
        onClose();
      }}
      onSubmit={(values) => add.mutate(values)}
    >
      <Form.Item
        name="username"
        label={t('members.username')}
        rules={[{ required: true, message: t('user.usernameRequired') }]}
      >
        <UserNameField
          onSearch={setTyped}
          options={(suggestions.data ?? []).map((u) => ({ value: u.username ?? '' }))}
        />
      </Form.Item>
      <Form.Item name="roleId" label={t('members.role')} initialValue={ROLES.developer} rules={[{ required: true }]}>
        <RoleSelect />
      </Form.Item>
    </FormModal>
  );
}
