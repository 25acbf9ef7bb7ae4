import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Checkbox, Form, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Project } from '../../api/models';
import { deleteProject, projectDeletable, setProjectPublic } from '../../api/projects';
import { ConfirmButton } from '../../components/ConfirmButton';
import { useFeedback } from '../../hooks/use-feedback';

/** Project settings: who can pull (public or private), and deleting the project once it is empty. */
export function ConfigurationTab({ project }: { project: Project }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const feedback = useFeedback();
  const name = project.name ?? '';
  const save = useMutation({
    mutationFn: (values: { public: boolean }) => setProjectPublic(name, values.public),
    onSuccess: async () => {
      feedback.success(t('common.saved'));
      await queryClient.invalidateQueries({ queryKey: ['project', name] });
    },
    onError: feedback.failure,
  });
  const remove = useMutation({
    mutationFn: async () => {
      const deletable = await projectDeletable(name);
      if (deletable.deletable === false) throw new Error(deletable.message || t('configuration.notDeletable'));
      await deleteProject(name);
    },
    onSuccess: async () => {
      feedback.success(t('configuration.deleted', { name }));
      await queryClient.invalidateQueries({ queryKey: ['projects'] });
      await navigate('/projects');
    },
    onError: feedback.failure,
  });
  return (
    <Space direction="vertical" size="large" style={{ width: '100%', maxWidth: 720 }}>
      <Card title={t('configuration.access')}>
        <Form<{ public: boolean }>
          name="project-access"
          layout="vertical"
          initialValues={{ public: project.metadata?.public === 'true' }}
          onFinish={(values) => save.mutate(values)}
        >
          <Form.Item name="public" valuePropName="checked" extra={t('projects.publicHelp')}>
            <Checkbox>{t('projects.public')}</Checkbox>
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Form>
      </Card>
      <Card title={t('configuration.danger')}>
        <Typography.Paragraph>{t('configuration.deleteHelp')}</Typography.Paragraph>
        <ConfirmButton
          danger
          loading={remove.isPending}
          question={t('configuration.deleteConfirm', { name })}
          onConfirm={() => remove.mutate()}
        >
          {t('configuration.delete')}
        </ConfirmButton>
      </Card>
    </Space>
  );
}
