import { Table, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Artifact } from '../../api/models';
import type { Descriptor, Manifest } from '../../api/oci';
import { artifactRoute } from '../../lib/artifact-route';
import { formatBytes } from '../../lib/bytes';
import { platformText } from '../../lib/platforms';

/** The manifests of an index, one per platform, from the index itself (sizes and media types included). */
export function PlatformsTable(props: { repository: string; artifact: Artifact; manifest: Manifest | undefined }) {
  const { t } = useTranslation();
  const fromReferences: Descriptor[] = (props.artifact.references ?? []).map((ref) => ({
    digest: ref.child_digest ?? '',
    size: 0,
    platform: ref.platform,
  }));
  const rows = props.manifest?.manifests ?? fromReferences;
  const columns: TableColumnsType<Descriptor> = [
    { key: 'platform', title: t('artifact.platform'), render: (_, d) => (d.platform ? platformText(d.platform) : '-') },
    {
      key: 'digest',
      title: t('artifacts.digest'),
      render: (_, d) => (
        <Link to={artifactRoute(props.repository, d.digest)}>
          <Typography.Text code>{d.digest}</Typography.Text>
        </Link>
      ),
    },
    { key: 'mediaType', title: t('artifact.mediaType'), dataIndex: 'mediaType' },
    { key: 'size', title: t('artifact.manifestSize'), align: 'right', render: (_, d) => formatBytes(d.size) },
  ];
  return <Table<Descriptor> rowKey="digest" size="small" columns={columns} dataSource={rows} pagination={false} />;
}
