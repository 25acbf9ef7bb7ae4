import { DeleteOutlined, TagOutlined, TagsOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { deleteArtifact, listArtifacts, type ArtifactRef } from '../../api/artifacts';
import type { Artifact } from '../../api/models';
import { fuzzy } from '../../api/paging';
import { ArtifactTypeIcon } from '../../components/ArtifactTypeIcon';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyButton } from '../../components/CopyButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LabelTag } from '../../components/LabelTag';
import { SearchBox } from '../../components/SearchBox';
import { TimeText } from '../../components/TimeText';
import { useFeedback } from '../../hooks/use-feedback';
import { useListQuery } from '../../hooks/use-list-query';
import { useRegistryHost } from '../../hooks/use-registry-host';
import { artifactKind } from '../../lib/artifact-kind';
import { artifactRoute } from '../../lib/artifact-route';
import { formatBytes } from '../../lib/bytes';
import { shortDigest } from '../../lib/digest';
import { platformsOf } from '../../lib/platforms';
import { pullCommand } from '../../lib/pull-command';
import { AddTagModal } from './AddTagModal';
import { ArtifactLabelsModal } from './ArtifactLabelsModal';
import { ArtifactTags } from './ArtifactTags';

/**
 * The artifacts of a repository, one server page at a time (a repository may hold tens of thousands), newest first,
 * searchable by tag.
 */
export function ArtifactsTable({ project, repository }: { project: string; repository: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const host = useRegistryHost();
  const list = useListQuery({ defaultSort: '-push_time' });
  const [tagging, setTagging] = useState<ArtifactRef>();
  const [labelling, setLabelling] = useState<Artifact>();
  const query = list.query(fuzzy('tags', list.search));
  const artifacts = useQuery({
    queryKey: ['artifacts', repository, query],
    queryFn: () => listArtifacts(project, repository, query),
    placeholderData: keepPreviousData,
  });
  const refOf = (a: Artifact): ArtifactRef => ({ project, repository, reference: a.digest ?? '' });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['artifacts', repository] });
  const remove = useMutation({
    mutationFn: (a: Artifact) => deleteArtifact(refOf(a)),
    onSuccess: async () => {
      feedback.success(t('artifacts.deleted'));
      await refresh();
    },
    onError: feedback.failure,
  });
  const columns: TableColumnsType<Artifact> = [
    {
      key: 'type',
      title: t('artifacts.type'),
      width: 64,
      align: 'center',
      render: (_, a) => <ArtifactTypeIcon kind={artifactKind(a)} />,
    },
    {
      key: 'digest',
      title: t('artifacts.digest'),
      render: (_, a) => (
        <Space size={4}>
          <Link to={artifactRoute(repository, a.digest ?? '')}>
            <Typography.Text code>{shortDigest(a.digest)}</Typography.Text>
          </Link>
          <CopyButton
            text={pullCommand(artifactKind(a), host, repository, a.digest ?? '')}
            label={t('artifacts.copyPullDigest')}
          />
        </Space>
      ),
    },
    {
      key: 'tags',
      title: t('artifacts.tags'),
      render: (_, a) => <ArtifactTags artifact={a} artifactRef={refOf(a)} host={host} onChanged={refresh} />,
    },
    {
      key: 'labels',
      title: t('labels.column'),
      render: (_, a) => (a.labels ?? []).map((l) => <LabelTag key={l.id} name={l.name} color={l.color} />),
    },
    { key: 'size', title: t('artifacts.size'), align: 'right', render: (_, a) => formatBytes(a.size) },
    {
      key: 'platforms',
      title: t('artifacts.platforms'),
      render: (_, a) => platformsOf(a).map((p) => <Tag key={p}>{p}</Tag>),
    },
    {
      key: 'push_time',
      title: t('artifacts.pushed'),
      sorter: true,
      // Newest first is the default: a click turns it round rather than back to the default it already is.
      sortDirections: ['descend', 'ascend', 'descend'],
      sortOrder: list.sortOrder('push_time'),
      render: (_, a) => <TimeText value={a.push_time} />,
    },
    {
      key: 'pull_time',
      title: t('artifacts.pulled'),
      sorter: true,
      sortDirections: ['descend', 'ascend', 'descend'],
      sortOrder: list.sortOrder('pull_time'),
      render: (_, a) => <TimeText value={a.pull_time} />,
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, a) => (
        <Space>
          <Button size="small" icon={<TagOutlined />} onClick={() => setTagging(refOf(a))}>
            {t('artifacts.addTag')}
          </Button>
          <Button size="small" icon={<TagsOutlined />} onClick={() => setLabelling(a)}>
            {t('labels.manage')}
          </Button>
          <ConfirmButton
            size="small"
            danger
            icon={<DeleteOutlined />}
            question={t('artifacts.deleteConfirm', { digest: shortDigest(a.digest) })}
            onConfirm={() => remove.mutate(a)}
          >
            {t('common.delete')}
          </ConfirmButton>
        </Space>
      ),
    },
  ];
  return (
    <>
      <Typography.Title level={3}>{t('artifacts.title')}</Typography.Title>
      <div style={{ marginBottom: 16 }}>
        <SearchBox value={list.search} onSearch={list.setSearch} label={t('artifacts.search')} />
      </div>
      <ErrorAlert error={artifacts.error} />
      <Table<Artifact>
        rowKey={(a) => a.digest ?? a.id ?? ''}
        columns={columns}
        dataSource={artifacts.data?.items}
        loading={artifacts.isFetching}
        locale={{ emptyText: t('artifacts.empty') }}
        {...list.tableProps<Artifact>(artifacts.data?.total)}
      />
      <AddTagModal artifact={tagging} onClose={() => setTagging(undefined)} onAdded={refresh} />
      <ArtifactLabelsModal
        key={labelling?.digest ?? 'none'}
        artifact={labelling}
        artifactRef={labelling ? refOf(labelling) : undefined}
        onClose={() => setLabelling(undefined)}
        onSaved={refresh}
      />
    </>
  );
}
