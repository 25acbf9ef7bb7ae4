import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AutoComplete, Form, Input, Radio, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserGroupSearchItem } from '../../api/identity-models';
import { addGroupMember, addMember, ROLES, type RoleId } from '../../api/members';
import { searchUserGroups } from '../../api/usergroups';
import { searchUsers } from '../../api/users';
import { FormModal } from '../../components/FormModal';
import { useFeedback } from '../../hooks/use-feedback';
import { RoleSelect } from './RoleSelect';

interface Values {
  kind: 'user' | 'group';
  username?: string;
  groupId?: number;
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

/**
 * A user group found by name as one types. As RoleSelect, it drops the `aria-required` a required Form.Item gives
 * (Select would put it where it is not allowed).
 */
function GroupSelect({
  'aria-required': _required,
  groups,
  onSearch,
  ...props
}: {
  value?: number;
  onChange?: (id: number) => void;
  id?: string;
  groups: readonly UserGroupSearchItem[];
  onSearch: (text: string) => void;
  'aria-required'?: boolean | 'true' | 'false';
}) {
  const { t } = useTranslation();
  return (
    <Select<number>
      {...props}
      showSearch
      filterOption={false}
      onSearch={onSearch}
      placeholder={t('members.groupSearch')}
      notFoundContent={t('members.noGroup')}
      options={groups.map((g) => ({
        value: g.id ?? 0,
        label: g.group_name,
      }))}
    />
  );
}

/**
 * Adds a user or a user group to the project with a role; the name field suggests existing users, or groups, as one
 * types.
 */
export function AddMemberModal({ project, open, onClose }: { project: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('kind', form) ?? 'user';
  const [typed, setTyped] = useState('');
  const [typedGroup, setTypedGroup] = useState('');
  const groups = useQuery({
    queryKey: ['group-search', typedGroup],
    queryFn: () => searchUserGroups(typedGroup),
    enabled: open && kind === 'group' && typedGroup.trim().length > 0,
  });
  const suggestions = useQuery({
    queryKey: ['user-search', typed],
    queryFn: () => searchUsers(typed),
    enabled: open && kind === 'user' && typed.trim().length > 0,
  });
  const add = useMutation({
    mutationFn: async (values: Values) => {
      if (values.kind === 'user') {
        const username = values.username?.trim() ?? '';
        await addMember(project, username, values.roleId);
        return username;
      }
      const group = (groups.data ?? []).find((g) => g.id === values.groupId);
      await addGroupMember(
        project,
        { id: values.groupId, group_name: group?.group_name, group_type: group?.group_type },
        values.roleId,
      );
      return group?.group_name ?? '';
    },
    onSuccess: async (name) => {
      feedback.success(t('members.added', { name }));
      onClose();
      await queryClient.invalidateQueries({ queryKey: ['members', project] });
    },
  });
  return (
    <FormModal<Values>
      name="add-member"
      form={form}
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
      {kind === 'user' ? (
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
      ) : (
        <Form.Item
          name="groupId"
          label={t('members.groupName')}
          extra={t('members.groupHelp')}
          rules={[{ required: true, message: t('members.groupRequired') }]}
        >
          <GroupSelect groups={groups.data ?? []} onSearch={setTypedGroup} />
        </Form.Item>
      )}
      <Form.Item name="kind" label={t('members.kind')} initialValue="user">
        <Radio.Group
          optionType="button"
          options={[
            { value: 'user', label: t('members.user') },
            { value: 'group', label: t('members.group') },
          ]}
        />
      </Form.Item>
      <Form.Item name="roleId" label={t('members.role')} initialValue={ROLES.developer} rules={[{ required: true }]}>
        <RoleSelect />
      </Form.Item>
    </FormModal>
  );
}
