import { EditOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Repository } from '../../api/models';
import { updateDescription } from '../../api/repositories';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Markdown } from '../../components/Markdown';

/** The repository's Markdown description, rendered safely, and edited in place. */
export function RepositoryDescription({ project, repository }: { project: string; repository: Repository }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const name = repository.name ?? '';
  const [draft, setDraft] = useState<string>();
  const save = useMutation({
    mutationFn: (text: string) => updateDescription(project, name, text),
    onSuccess: async () => {
      setDraft(undefined);
      await queryClient.invalidateQueries({ queryKey: ['repository', name] });
    },
  });
  const editing = draft !== undefined;
  return (
    <Card
      title={t('repository.description')}
      style={{ marginBottom: 24 }}
      extra={
        editing ? null : (
          <Button icon={<EditOutlined />} onClick={() => setDraft(repository.description ?? '')}>
            {t('common.edit')}
          </Button>
        )
      }
    >
      {editing ? (
        <Space direction="vertical" style={{ width: '100%' }}>
          <ErrorAlert error={save.error} />
          <Input.TextArea
            aria-label={t('repository.description')}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            autoSize={{ minRows: 6, maxRows: 24 }}
            autoFocus
          />
          <Typography.Text type="secondary">{t('repository.markdownHelp')}</Typography.Text>
          <Space>
            <Button type="primary" loading={save.isPending} onClick={() => save.mutate(draft)}>
              {t('common.save')}
            </Button>
            <Button
              onClick={() => {
                save.reset();
                setDraft(undefined);
              }}
            >
              {t('common.cancel')}
            </Button>
          </Space>
        </Space>
      ) : repository.description ? (
        <Markdown source={repository.description} />
      ) : (
        <Typography.Text type="secondary">{t('repository.noDescription')}</Typography.Text>
      )}
    </Card>
  );
}
