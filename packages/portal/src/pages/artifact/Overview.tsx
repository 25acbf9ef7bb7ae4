import { Descriptions, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import type { ArtifactRef } from '../../api/artifacts';
import type { Artifact } from '../../api/models';
import { CopyButton } from '../../components/CopyButton';
import { TimeText } from '../../components/TimeText';
import { useRegistryHost } from '../../hooks/use-registry-host';
import { artifactKind } from '../../lib/artifact-kind';
import { formatBytes } from '../../lib/bytes';
import { platformsOf } from '../../lib/platforms';
import { pullCommand } from '../../lib/pull-command';
import { ArtifactTags } from '../repository/ArtifactTags';

/** What an artifact is: digest and pull command, tags, kind, media types, size, platforms, push and pull times. */
export function Overview({ artifact, artifactRef }: { artifact: Artifact; artifactRef: ArtifactRef }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const host = useRegistryHost();
  const kind = artifactKind(artifact);
  const digest = artifact.digest ?? '';
  const byDigest = pullCommand(kind, host, artifactRef.repository, digest);
  return (
    <Descriptions column={1} bordered size="small" labelStyle={{ width: 200 }}>
      <Descriptions.Item label={t('artifacts.digest')}>
        <Typography.Text code>{digest}</Typography.Text>
      </Descriptions.Item>
      <Descriptions.Item label={t('artifact.pullByDigest')}>
        <Space>
          <Typography.Text code>{byDigest}</Typography.Text>
          <CopyButton text={byDigest} label={t('artifacts.copyPullDigest')} />
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label={t('artifacts.tags')}>
        <ArtifactTags
          artifact={artifact}
          artifactRef={{ ...artifactRef, reference: digest }}
          host={host}
          onChanged={() => queryClient.invalidateQueries({ queryKey: ['artifact', artifactRef] })}
        />
      </Descriptions.Item>
      <Descriptions.Item label={t('artifacts.type')}>{t(`artifactKinds.${kind}`)}</Descriptions.Item>
      <Descriptions.Item label={t('artifact.manifestMediaType')}>{artifact.manifest_media_type}</Descriptions.Item>
      <Descriptions.Item label={t('artifact.configMediaType')}>{artifact.media_type}</Descriptions.Item>
      {artifact.artifact_type ? (
        <Descriptions.Item label={t('artifact.artifactType')}>{artifact.artifact_type}</Descriptions.Item>
      ) : null}
      <Descriptions.Item label={t('artifacts.size')}>{formatBytes(artifact.size)}</Descriptions.Item>
      <Descriptions.Item label={t('artifacts.platforms')}>{platformsOf(artifact).join(', ') || '-'}</Descriptions.Item>
      <Descriptions.Item label={t('artifacts.pushed')}>
        <TimeText value={artifact.push_time} />
      </Descriptions.Item>
      <Descriptions.Item label={t('artifacts.pulled')}>
        <TimeText value={artifact.pull_time} />
      </Descriptions.Item>
    </Descriptions>
  );
}
