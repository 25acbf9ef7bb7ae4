import { Descriptions, Empty, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ImageConfig } from '../../api/oci';
import { TimeText } from '../../components/TimeText';

function Code({ values }: { values: readonly string[] | undefined }) {
  if (!values?.length) return <span>-</span>;
  return (
    <Space direction="vertical" size={2}>
      {values.map((value, i) => (
        <Typography.Text code key={i}>
          {value}
        </Typography.Text>
      ))}
    </Space>
  );
}

/** The image's runtime configuration: environment, entrypoint, command, working directory, user, ports, labels. */
export function ConfigDetails({ config }: { config: ImageConfig | undefined }) {
  const { t } = useTranslation();
  const c = config?.config;
  if (!config) return <Empty description={t('artifact.noConfig')} />;
  const labels = Object.entries(c?.Labels ?? {});
  return (
    <Descriptions column={1} bordered size="small" labelStyle={{ width: 200 }} data-testid="config-details">
      <Descriptions.Item label={t('artifact.created')}>
        <TimeText value={config.created} />
      </Descriptions.Item>
      {config.author ? <Descriptions.Item label={t('artifact.author')}>{config.author}</Descriptions.Item> : null}
      <Descriptions.Item label={t('artifact.env')}>
        <Code values={c?.Env} />
      </Descriptions.Item>
      <Descriptions.Item label={t('artifact.entrypoint')}>
        <Code values={c?.Entrypoint} />
      </Descriptions.Item>
      <Descriptions.Item label={t('artifact.cmd')}>
        <Code values={c?.Cmd} />
      </Descriptions.Item>
      <Descriptions.Item label={t('artifact.workingDir')}>{c?.WorkingDir || '-'}</Descriptions.Item>
      <Descriptions.Item label={t('artifact.user')}>{c?.User || '-'}</Descriptions.Item>
      <Descriptions.Item label={t('artifact.ports')}>
        <Code values={Object.keys(c?.ExposedPorts ?? {})} />
      </Descriptions.Item>
      <Descriptions.Item label={t('artifact.labels')}>
        {labels.length === 0
          ? '-'
          : labels.map(([key, value]) => (
              <Tag key={key}>
                {key}={value}
              </Tag>
            ))}
      </Descriptions.Item>
    </Descriptions>
  );
}
