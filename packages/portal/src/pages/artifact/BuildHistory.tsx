import { useQuery } from '@tanstack/react-query';
import { Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { HistoryEntry, Manifest } from '../../api/oci';
import { fetchImageConfig } from '../../api/registry';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TimeText } from '../../components/TimeText';

interface Row extends HistoryEntry {
  index: number;
}

/**
 * How the image was built: the steps of its config's `history`. The management API does not report it, so the
 * config blob the manifest names is read from the registry API.
 */
export function BuildHistory({ repository, manifest }: { repository: string; manifest: Manifest | undefined }) {
  const { t } = useTranslation();
  const digest = manifest?.config?.digest;
  const config = useQuery({
    queryKey: ['image-config', repository, digest],
    queryFn: () => fetchImageConfig(repository, digest ?? ''),
    enabled: digest !== undefined,
    staleTime: Infinity,
  });
  const rows: Row[] = (config.data?.history ?? []).map((entry, i) => ({ ...entry, index: i + 1 }));
  const columns: TableColumnsType<Row> = [
    { key: 'index', title: '#', dataIndex: 'index', width: 56 },
    { key: 'created', title: t('common.created'), width: 200, render: (_, h) => <TimeText value={h.created} /> },
    {
      key: 'created_by',
      title: t('artifact.step'),
      render: (_, h) => (
        <>
          <Typography.Text code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
            {h.created_by ?? h.comment}
          </Typography.Text>{' '}
          {h.empty_layer ? <Tag>{t('artifact.emptyLayer')}</Tag> : null}
        </>
      ),
    },
  ];
  return (
    <>
      <ErrorAlert error={config.error} />
      <Table<Row>
        rowKey="index"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={manifest === undefined || config.isLoading}
        pagination={false}
        locale={{ emptyText: t('artifact.noHistory') }}
      />
    </>
  );
}
