import { useMutation } from '@tanstack/react-query';
import { Popconfirm, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deleteTag, type ArtifactRef } from '../../api/artifacts';
import type { Artifact } from '../../api/models';
import { CopyButton } from '../../components/CopyButton';
import { useFeedback } from '../../hooks/use-feedback';
import { artifactKind } from '../../lib/artifact-kind';
import { pullCommand } from '../../lib/pull-command';

/** An artifact's tags, each with its pull command to copy and a confirmed remove. */
export function ArtifactTags(props: {
  artifact: Artifact;
  artifactRef: ArtifactRef;
  host: string;
  onChanged: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const [removing, setRemoving] = useState<string>();
  const remove = useMutation({
    mutationFn: (tag: string) => deleteTag(props.artifactRef, tag),
    onSuccess: async (_, tag) => {
      feedback.success(t('tags.removed', { tag }));
      await props.onChanged();
    },
    onError: feedback.failure,
    onSettled: () => setRemoving(undefined),
  });
  const kind = artifactKind(props.artifact);
  const tags = props.artifact.tags ?? [];
  if (tags.length === 0) return <span>{t('tags.none')}</span>;
  return (
    <Space size={[0, 4]} wrap>
      {tags.map(({ name = '' }) => (
        <Popconfirm
          key={name}
          open={removing === name}
          title={t('tags.removeConfirm', { tag: name })}
          okText={t('common.yes')}
          cancelText={t('common.no')}
          onConfirm={() => remove.mutate(name)}
          onCancel={() => setRemoving(undefined)}
        >
          <Tag
            color="blue"
            closable
            closeIcon={<span aria-label={t('tags.remove', { tag: name })}>×</span>}
            onClose={(e) => {
              e.preventDefault();
              setRemoving(name);
            }}
          >
            {name}
            <CopyButton
              text={pullCommand(kind, props.host, props.artifactRef.repository, name)}
              label={t('tags.copyPull', { tag: name })}
            />
          </Tag>
        </Popconfirm>
      ))}
    </Space>
  );
}
