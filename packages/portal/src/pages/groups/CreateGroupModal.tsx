import { useMutation } from '@tanstack/react-query';
import { Button, Form, Input, List, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { GROUP_TYPES, type AuthMode, type GroupTypeName, type UserGroup } from '../../api/identity-models';
import { searchLdapGroups } from '../../api/ldap';
import { createUserGroup } from '../../api/usergroups';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormModal } from '../../components/FormModal';
import { useFeedback } from '../../hooks/use-feedback';
import { groupTypeOfMode } from './group-types';

interface Values {
  type: GroupTypeName;
  group_name: string;
  ldap_group_dn?: string;
}

/** The group types; a required Form.Item's `aria-required` is dropped (see RoleSelect), a type is always chosen. */
function GroupTypeSelect({
  'aria-required': _required,
  ...props
}: {
  value?: GroupTypeName;
  onChange?: (type: GroupTypeName) => void;
  id?: string;
  'aria-required'?: boolean | 'true' | 'false';
}) {
  const { t } = useTranslation();
  return (
    <Select<GroupTypeName>
      {...props}
      style={{ width: 200 }}
      options={(Object.keys(GROUP_TYPES) as GroupTypeName[]).map((name) => ({
        value: name,
        label: t(`groups.types.${name}`),
      }))}
    />
  );
}

/**
 * Adds a user group. An LDAP group is found in the directory (by name, or by DN when the text has an `=`) and
 * picked; an OIDC or HTTP group is named as the provider names it.
 */
export function CreateGroupModal(props: {
  open: boolean;
  mode: AuthMode | undefined;
  onClose: () => void;
  onCreated: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const [form] = Form.useForm<Values>();
  const type = Form.useWatch('type', form) ?? groupTypeOfMode(props.mode);
  const create = useMutation({
    mutationFn: (values: Values) => {
      const group: UserGroup = { group_name: values.group_name.trim(), group_type: GROUP_TYPES[values.type] };
      if (values.type === 'ldap') group.ldap_group_dn = values.ldap_group_dn?.trim();
      return createUserGroup(group);
    },
    onSuccess: async (_, values) => {
      feedback.success(t('groups.created', { name: values.group_name }));
      props.onClose();
      await props.onCreated();
    },
  });
  const search = useMutation({
    mutationFn: (text: string) =>
      searchLdapGroups(text.includes('=') ? { groupdn: text.trim() } : { groupname: text.trim() }),
  });
  return (
    <FormModal<Values>
      name="create-group"
      form={form}
      open={props.open}
      title={t('groups.create')}
      pending={create.isPending}
      error={create.error}
      onCancel={() => {
        create.reset();
        search.reset();
        props.onClose();
      }}
      onSubmit={(values) => create.mutate(values)}
    >
      <Form.Item
        name="type"
        label={t('groups.type')}
        initialValue={groupTypeOfMode(props.mode)}
        rules={[{ required: true }]}
      >
        <GroupTypeSelect />
      </Form.Item>
      {type === 'ldap' ? (
        <div style={{ marginBottom: 16 }}>
          <Input.Search
            aria-label={t('groups.ldapSearch')}
            placeholder={t('groups.ldapSearch')}
            enterButton={t('common.search')}
            loading={search.isPending}
            // Enter searches the directory; it must not submit the dialog's form.
            onPressEnter={(e) => e.preventDefault()}
            onSearch={(text) => text.trim() && search.mutate(text)}
          />
          <ErrorAlert error={search.error} />
          {search.data ? (
            <List
              size="small"
              bordered
              style={{ marginTop: 8, maxHeight: 240, overflow: 'auto' }}
              locale={{ emptyText: t('groups.ldapNone') }}
              dataSource={search.data}
              renderItem={(g) => (
                <List.Item
                  actions={[
                    <Button
                      key="pick"
                      size="small"
                      aria-label={t('groups.pickOne', { name: g.group_name })}
                      onClick={() => form.setFieldsValue({ group_name: g.group_name, ldap_group_dn: g.ldap_group_dn })}
                    >
                      {t('groups.pick')}
                    </Button>,
                  ]}
                >
                  <List.Item.Meta
                    title={g.group_name}
                    description={<Typography.Text type="secondary">{g.ldap_group_dn}</Typography.Text>}
                  />
                </List.Item>
              )}
            />
          ) : null}
        </div>
      ) : null}
      <Form.Item
        name="group_name"
        label={t('groups.name')}
        extra={type === 'ldap' ? undefined : t('groups.nameHelp')}
        rules={[{ required: true, whitespace: true, message: t('groups.nameRequired') }]}
      >
        <Input />
      </Form.Item>
      {type === 'ldap' ? (
        <Form.Item
          name="ldap_group_dn"
          label={t('groups.dn')}
          rules={[{ required: true, whitespace: true, message: t('groups.dnRequired') }]}
        >
          <Input />
        </Form.Item>
      ) : null}
    </FormModal>
  );
}
