import { Table, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Accessory } from '../../api/models';
import { TimeText } from '../../components/TimeText';
import { artifactRoute } from '../../lib/artifact-route';
import { formatBytes } from '../../lib/bytes';

/**
 * Artifacts that refer to this one: signatures, SBOMs and other attachments (Harbor's accessories, which the
 * artifact reports when asked `with_accessory`).
 */
export function ReferrersTable({ repository, accessories }: { repository: string; accessories: Accessory[] }) {
  const { t } = useTranslation();
  const columns: TableColumnsType<Accessory> = [
    { key: 'type', title: t('artifacts.type'), dataIndex: 'type' },
    {
      key: 'digest',
      title: t('artifacts.digest'),
      render: (_, r) => (
        <Link to={artifactRoute(repository, r.digest ?? '')}>
          <Typography.Text code>{r.digest}</Typography.Text>
        </Link>
      ),
    },
    { key: 'size', title: t('artifacts.size'), align: 'right', render: (_, r) => formatBytes(r.size) },
    { key: 'creation_time', title: t('common.created'), render: (_, r) => <TimeText value={r.creation_time} /> },
  ];
  return (
    <Table<Accessory>
      rowKey={(r) => r.digest ?? r.id ?? ''}
      size="small"
      columns={columns}
      dataSource={accessories}
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      locale={{ emptyText: t('artifact.noReferrers') }}
    />
  );
}
