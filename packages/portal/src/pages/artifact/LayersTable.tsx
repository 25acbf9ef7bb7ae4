import { Table, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Descriptor, Manifest } from '../../api/oci';
import { formatBytes } from '../../lib/bytes';

interface Row extends Descriptor {
  index: number;
}

/** The image's layers in order, from its manifest. */
export function LayersTable({ manifest, loading }: { manifest: Manifest | undefined; loading: boolean }) {
  const { t } = useTranslation();
  const rows: Row[] = (manifest?.layers ?? []).map((layer, i) => ({ ...layer, index: i + 1 }));
  const total = rows.reduce((sum, layer) => sum + layer.size, 0);
  const columns: TableColumnsType<Row> = [
    { key: 'index', title: '#', dataIndex: 'index', width: 56 },
    {
      key: 'digest',
      title: t('artifacts.digest'),
      render: (_, l) => <Typography.Text code>{l.digest}</Typography.Text>,
    },
    { key: 'mediaType', title: t('artifact.mediaType'), dataIndex: 'mediaType' },
    { key: 'size', title: t('artifacts.size'), align: 'right', render: (_, l) => formatBytes(l.size) },
  ];
  return (
    <Table<Row>
      rowKey="index"
      size="small"
      columns={columns}
      dataSource={rows}
      loading={loading}
      pagination={false}
      data-testid="layers"
      footer={() => t('artifact.layersTotal', { layers: rows.length, size: formatBytes(total) })}
    />
  );
}
