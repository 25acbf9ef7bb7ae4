import { useMutation } from '@tanstack/react-query';
import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { createLabel, updateLabel, type LabelScope } from '../../api/labels';
import type { Label } from '../../api/models';
import { FormModal } from '../../components/FormModal';
import { useFeedback } from '../../hooks/use-feedback';

interface Values {
  name: string;
  color: string;
  description?: string;
}

export const DEFAULT_LABEL_COLOUR = '#0065ab';

/** Creates a label of `scope`, or (given `label`) changes one: name, colour and description. */
export function LabelModal({
  open,
  scope,
  label,
  onClose,
  onSaved,
}: {
  open: boolean;
  scope: LabelScope;
  label?: Label | undefined;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const save = useMutation({
    mutationFn: (values: Values) => {
      const body = { name: values.name.trim(), color: values.color, description: values.description ?? '' };
      return label ? updateLabel(label.id, body) : createLabel(scope, body);
    },
    onSuccess: (_, values) => {
      feedback.success(t(label ? 'labels.updated' : 'labels.created', { name: values.name.trim() }));
      onSaved();
      onClose();
    },
  });
  return (
    <FormModal<Values>
      name="label"
      open={open}
      title={label ? t('labels.editTitle', { name: label.name }) : t('labels.create')}
      pending={save.isPending}
      error={save.error}
      onCancel={() => {
        save.reset();
        onClose();
      }}
      onSubmit={(values) => save.mutate(values)}
    >
      <Form.Item
        name="name"
        label={t('labels.name')}
        initialValue={label?.name}
        rules={[{ required: true, whitespace: true, max: 128, message: t('labels.nameRequired') }]}
      >
        <Input maxLength={128} />
      </Form.Item>
      <Form.Item
        name="color"
        label={t('labels.color')}
        initialValue={/^#[0-9a-f]{6}$/i.test(label?.color ?? '') ? label?.color : DEFAULT_LABEL_COLOUR}
      >
        <input type="color" style={{ width: 64, height: 32, padding: 2, cursor: 'pointer' }} />
      </Form.Item>
      <Form.Item name="description" label={t('labels.description')} initialValue={label?.description}>
        <Input.TextArea rows={2} maxLength={1024} />
      </Form.Item>
    </FormModal>
  );
}
