import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Flex, Space, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deleteLabel, listLabels, type LabelScope } from '../../api/labels';
import type { Label } from '../../api/models';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LabelTag } from '../../components/LabelTag';
import { SearchBox } from '../../components/SearchBox';
import { TimeText } from '../../components/TimeText';
import { useFeedback } from '../../hooks/use-feedback';
import { useListQuery } from '../../hooks/use-list-query';
import { LabelModal } from './LabelModal';

/**
 * The labels of a scope (global, or one project's), searched by name: those who may (`canEdit`) create, change and
 * delete them; others only see them.
 */
export function LabelsPanel({ scope, canEdit }: { scope: LabelScope; canEdit: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const list = useListQuery({ defaultSort: 'name' });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Label>();
  const query = list.query(list.search);
  const labels = useQuery({
    queryKey: ['labels', scope, query],
    queryFn: () => listLabels(scope, query),
    placeholderData: keepPreviousData,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['labels'] });
  const remove = useMutation({
    mutationFn: (id: number) => deleteLabel(id),
    onSuccess: async () => {
      feedback.success(t('labels.deleted'));
      await refresh();
    },
    onError: feedback.failure,
  });
  const columns: TableColumnsType<Label> = [
    {
      key: 'name',
      title: t('labels.name'),
      sorter: true,
      sortOrder: list.sortOrder('name'),
      render: (_, l) => <LabelTag name={l.name} color={l.color} />,
    },
    { key: 'description', title: t('labels.description'), dataIndex: 'description' },
    {
      key: 'creation_time',
      title: t('common.created'),
      sorter: true,
      sortOrder: list.sortOrder('creation_time'),
      render: (_, l) => <TimeText value={l.creation_time} />,
    },
    ...(canEdit
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_: unknown, l: Label) => (
              <Space>
                <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(l)}>
                  {t('common.edit')}
                </Button>
                <ConfirmButton
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  question={t('labels.deleteConfirm', { name: l.name })}
                  onConfirm={() => remove.mutate(l.id)}
                >
                  {t('common.delete')}
                </ConfirmButton>
              </Space>
            ),
          },
        ]
      : []),
  ];
  return (
    <>
      <Flex justify="space-between" style={{ marginBottom: 16 }}>
        <SearchBox value={list.search} onSearch={list.setSearch} label={t('labels.search')} />
        {canEdit ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('labels.create')}
          </Button>
        ) : null}
      </Flex>
      <ErrorAlert error={labels.error} />
      <Table<Label>
        rowKey={(l) => l.id}
        columns={columns}
        dataSource={labels.data?.items}
        loading={labels.isFetching}
        locale={{ emptyText: t('labels.empty') }}
        {...list.tableProps<Label>(labels.data?.total)}
      />
      <LabelModal
        key={editing?.id ?? (creating ? 'new' : 'none')}
        open={creating || editing !== undefined}
        scope={scope}
        label={editing}
        onClose={() => {
          setCreating(false);
          setEditing(undefined);
        }}
        onSaved={() => void refresh()}
      />
    </>
  );
}
