import { Card, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../../components/CopyButton';
import { useRegistryHost } from '../../hooks/use-registry-host';

function Command({ text }: { text: string }) {
  const { t } = useTranslation();
  return (
    <Space>
      <Typography.Text code>{text}</Typography.Text>
      <CopyButton text={text} label={t('push.copy')} />
    </Space>
  );
}

/**
 * How to sign in to this registry and push an image into `project` with docker, podman and skopeo: the commands name
 * this registry's address (what the server reports, else the address the portal is on) and the project.
 */
export function HowToPush({ project = 'library' }: { project?: string }) {
  const { t } = useTranslation();
  const host = useRegistryHost();
  const image = `${host}/${project}/hello:1.0`;
  const clients = [
    { key: 'docker', commands: [`docker login ${host}`, `docker tag hello:1.0 ${image}`, `docker push ${image}`] },
    { key: 'podman', commands: [`podman login ${host}`, `podman push hello:1.0 ${image}`] },
    { key: 'skopeo', commands: [`skopeo login ${host}`, `skopeo copy oci:hello:1.0 docker://${image}`] },
  ] as const;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%', maxWidth: 960 }}>
      <Card title={t('push.address')}>
        <Command text={host} />
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {t('push.insecure')}
        </Typography.Paragraph>
      </Card>
      {clients.map(({ key, commands }) => (
        <Card key={key} title={t(`push.${key}`)}>
          <Space direction="vertical">
            {commands.map((command) => (
              <Command key={command} text={command} />
            ))}
          </Space>
        </Card>
      ))}
      <Typography.Paragraph>{t('push.robots')}</Typography.Paragraph>
    </Space>
  );
}
