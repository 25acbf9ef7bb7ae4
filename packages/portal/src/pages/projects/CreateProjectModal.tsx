import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Checkbox, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { createProject } from '../../api/projects';
import { FormModal } from '../../components/FormModal';
import { useFeedback } from '../../hooks/use-feedback';

interface Values {
  name: string;
  public: boolean;
}

/** Harbor's project name rule: lower-case letters and digits, separated by single `.`, `_` or `-`. */
export const PROJECT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export function CreateProjectModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const feedback = useFeedback();
  const create = useMutation({
    mutationFn: (values: Values) => createProject(values.name, values.public),
    onSuccess: async (_, values) => {
      feedback.success(t('projects.created', { name: values.name }));
      onClose();
      await queryClient.invalidateQueries({ queryKey: ['projects'] });
      await navigate(`/projects/${encodeURIComponent(values.name)}`);
    },
  });
  return (
    <FormModal<Values>
      name="create-project"
      open={open}
      title={t('projects.create')}
      pending={create.isPending}
      error={create.error}
      onCancel={() => {
        create.reset();
        onClose();
      }}
      onSubmit={(values) => create.mutate(values)}
    >
      <Form.Item
        name="name"
        label={t('projects.name')}
        extra={t('projects.nameRule')}
        rules={[
          { required: true, message: t('projects.nameRequired') },
          { max: 255, pattern: PROJECT_NAME, message: t('projects.nameRule') },
        ]}
      >
        <Input />
      </Form.Item>
      <Form.Item name="public" valuePropName="checked" initialValue={false} extra={t('projects.publicHelp')}>
        <Checkbox>{t('projects.public')}</Checkbox>
      </Form.Item>
    </FormModal>
  );
}
