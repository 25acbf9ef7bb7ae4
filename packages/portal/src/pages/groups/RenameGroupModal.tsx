import { useMutation } from '@tanstack/react-query';
import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import type { UserGroup } from '../../api/identity-models';
import { renameUserGroup } from '../../api/usergroups';
import { FormModal } from '../../components/FormModal';
import { useFeedback } from '../../hooks/use-feedback';

interface Values {
  group_name: string;
}

/** Renames a group: the name is what the portal shows; an LDAP group keeps its DN. */
export function RenameGroupModal(props: {
  group: UserGroup | undefined;
  onClose: () => void;
  onRenamed: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const rename = useMutation({
    mutationFn: (values: Values) => renameUserGroup(props.group?.id ?? 0, values.group_name.trim()),
    onSuccess: async () => {
      feedback.success(t('groups.renamed'));
      props.onClose();
      await props.onRenamed();
    },
  });
  return (
    <FormModal<Values>
      name="rename-group"
      open={props.group !== undefined}
      title={t('groups.renameOne', { name: props.group?.group_name ?? '' })}
      pending={rename.isPending}
      error={rename.error}
      onCancel={() => {
        rename.reset();
        props.onClose();
      }}
      onSubmit={(values) => rename.mutate(values)}
    >
      <Form.Item
        name="group_name"
        label={t('groups.name')}
        initialValue={props.group?.group_name}
        rules={[{ required: true, whitespace: true, message: t('groups.nameRequired') }]}
      >
        <Input />
      </Form.Item>
    </FormModal>
  );
}
