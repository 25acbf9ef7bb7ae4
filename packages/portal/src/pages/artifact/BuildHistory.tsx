import { useQuery } from '@tanstack/react-query';
import { Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { buildHistory, type ArtifactRef, type BuildHistoryEntry } from '../../api/artifacts';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TimeText } from '../../components/TimeText';

interface Row extends BuildHistoryEntry {
  index: number;
}

/** How the image was built: the steps of its config's history, Harbor's `build_history` addition. */
export function BuildHistory({ artifactRef }: { artifactRef: ArtifactRef }) {
  const { t } = useTranslation();
  const history = useQuery({ queryKey: ['build-history', artifactRef], queryFn: () => buildHistory(artifactRef) });
  const rows: Row[] = (history.data ?? []).map((entry, i) => ({ ...entry, index: i + 1 }));
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
      <ErrorAlert error={history.error} />
      <Table<Row>
        rowKey="index"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={history.isPending}
        pagination={false}
        locale={{ emptyText: t('artifact.noHistory') }}
      />
    </>
  );
}
