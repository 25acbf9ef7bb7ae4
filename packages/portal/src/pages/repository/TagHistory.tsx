import { HistoryOutlined, UndoOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TagHistoryEntry } from '../../api/models';
import { listTagHistory, mayPushTo, restoreTagHistory } from '../../api/tag-history';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TimeText } from '../../components/TimeText';
import { useFeedback } from '../../hooks/use-feedback';
import { shortDigest } from '../../lib/digest';

const PAGE_SIZE = 10;

/**
 * A repository's tag history (Wharf's time machine): tags deleted or pushed over and artifacts deleted within the
 * restore window, newest first, each with a Restore button (after a confirmation) for those who may push.
 */
export function TagHistory({
  project,
  repository,
  projectId,
}: {
  project: string;
  repository: string;
  projectId: number | undefined;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const [page, setPage] = useState(1);
  const history = useQuery({
    queryKey: ['tagHistory', repository, page],
    queryFn: () => listTagHistory(project, repository, { page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const mayRestore = useQuery({
    queryKey: ['mayPush', projectId],
    queryFn: () => mayPushTo(projectId ?? 0),
    enabled: projectId !== undefined,
  });
  const restore = useMutation({
    mutationFn: (entry: TagHistoryEntry) => restoreTagHistory(project, repository, entry.id),
    onSuccess: async (entry) => {
      feedback.success(entry.tag ? t('tagHistory.restoredTag', { tag: entry.tag }) : t('tagHistory.restoredArtifact'));
      await queryClient.invalidateQueries({ queryKey: ['tagHistory', repository] });
      await queryClient.invalidateQueries({ queryKey: ['artifacts', repository] });
    },
    onError: feedback.failure,
  });
  const columns: TableColumnsType<TagHistoryEntry> = [
    {
      key: 'tag',
      title: t('tagHistory.tag'),
      render: (_, e) =>
        e.tag ? <Tag>{e.tag}</Tag> : <Typography.Text type="secondary">{t('tags.none')}</Typography.Text>,
    },
    {
      key: 'digest',
      title: t('tagHistory.digest'),
      render: (_, e) => <Typography.Text code>{shortDigest(e.digest)}</Typography.Text>,
    },
    { key: 'kind', title: t('tagHistory.what'), render: (_, e) => t(`tagHistory.kinds.${kindKey(e.kind)}`) },
    { key: 'when', title: t('tagHistory.when'), render: (_, e) => <TimeText value={e.op_time} /> },
    { key: 'by', title: t('tagHistory.by'), render: (_, e) => e.operator ?? t('tagHistory.unknownOperator') },
    { key: 'expires', title: t('tagHistory.expires'), render: (_, e) => <TimeText value={e.expire_time} /> },
  ];
  if (mayRestore.data) {
    columns.push({
      key: 'actions',
      title: t('common.actions'),
      render: (_, e) => (
        <ConfirmButton
          size="small"
          icon={<UndoOutlined />}
          question={
            e.tag
              ? t('tagHistory.restoreTagConfirm', { tag: e.tag, digest: shortDigest(e.digest) })
              : t('tagHistory.restoreArtifactConfirm', { digest: shortDigest(e.digest) })
          }
          aria-label={t('tagHistory.restoreLabel', { what: e.tag ?? shortDigest(e.digest) })}
          onConfirm={() => restore.mutate(e)}
        >
          {t('tagHistory.restore')}
        </ConfirmButton>
      ),
    });
  }
  return (
    <section aria-labelledby="tag-history-title">
      <Typography.Title level={3} id="tag-history-title">
        <Space>
          <HistoryOutlined aria-hidden />
          {t('tagHistory.title')}
        </Space>
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('tagHistory.explain')}</Typography.Paragraph>
      <ErrorAlert error={history.error} />
      <Table<TagHistoryEntry>
        rowKey="id"
        columns={columns}
        dataSource={history.data?.items}
        loading={history.isFetching}
        locale={{ emptyText: t('tagHistory.empty') }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: history.data?.total ?? 0,
          showSizeChanger: false,
          onChange: setPage,
          hideOnSinglePage: true,
        }}
      />
    </section>
  );
}

function kindKey(kind: TagHistoryEntry['kind']): 'tagDeleted' | 'tagMoved' | 'artifactDeleted' {
  switch (kind) {
    case 'tag.deleted':
      return 'tagDeleted';
    case 'tag.moved':
      return 'tagMoved';
    case 'artifact.deleted':
      return 'artifactDeleted';
  }
}
