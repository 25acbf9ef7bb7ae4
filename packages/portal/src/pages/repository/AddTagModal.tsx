import { useMutation } from '@tanstack/react-query';
import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { addTag, type ArtifactRef } from '../../api/artifacts';
import { FormModal } from '../../components/FormModal';
import { useFeedback } from '../../hooks/use-feedback';

/** The OCI tag grammar. */
const TAG = /^[\w][\w.-]{0,127}$/;

export function AddTagModal(props: {
  artifact: ArtifactRef | undefined;
  onClose: () => void;
  onAdded: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const add = useMutation({
    mutationFn: ({ name }: { name: string }) => addTag(props.artifact as ArtifactRef, name),
    onSuccess: async (_, { name }) => {
      feedback.success(t('tags.added', { tag: name }));
      props.onClose();
      await props.onAdded();
    },
  });
  return (
    <FormModal<{ name: string }>
      name="add-tag"
      open={props.artifact !== undefined}
      title={t('artifacts.addTag')}
      pending={add.isPending}
      error={add.error}
      onCancel={() => {
        add.reset();
        props.onClose();
      }}
      onSubmit={(values) => add.mutate(values)}
    >
      <Form.Item
        name="name"
        label={t('tags.name')}
        extra={t('tags.rule')}
        rules={[
          { required: true, message: t('tags.required') },
          { pattern: TAG, message: t('tags.rule') },
        ]}
      >
        <Input />
      </Form.Item>
    </FormModal>
  );
}
