import { DeleteOutlined, PlusOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Flex, Space, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listMembers, removeMember, updateMemberRole, type RoleId } from '../../api/members';
import type { ProjectMemberEntity } from '../../api/models';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SearchBox } from '../../components/SearchBox';
import { useFeedback } from '../../hooks/use-feedback';
import { useListQuery } from '../../hooks/use-list-query';
import { AddMemberModal } from './AddMemberModal';
import { RoleSelect } from './RoleSelect';

export function MembersTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const list = useListQuery();
  const [adding, setAdding] = useState(false);
  const query = list.query(list.search);
  const members = useQuery({
    queryKey: ['members', project, query],
    queryFn: () => listMembers(project, query),
    placeholderData: keepPreviousData,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['members', project] });
  const changeRole = useMutation({
    mutationFn: ({ id, roleId }: { id: number; roleId: RoleId }) => updateMemberRole(project, id, roleId),
    onSuccess: async () => {
      feedback.success(t('members.roleChanged'));
      await refresh();
    },
    onError: feedback.failure,
  });
  const remove = useMutation({
    mutationFn: (id: number) => removeMember(project, id),
    onSuccess: async () => {
      feedback.success(t('members.removed'));
      await refresh();
    },
    onError: feedback.failure,
  });
  const columns: TableColumnsType<ProjectMemberEntity> = [
    {
      key: 'entity_name',
      title: t('members.name'),
      render: (_, m) => (
        <Space>
          {m.entity_type === 'g' ? (
            <TeamOutlined aria-label={t('members.group')} />
          ) : (
            <UserOutlined aria-label={t('members.user')} />
          )}
          {m.entity_name}
        </Space>
      ),
    },
    {
      key: 'entity_type',
      title: t('members.type'),
      render: (_, m) => (m.entity_type === 'g' ? t('members.group') : t('members.user')),
    },
    {
      key: 'role',
      title: t('members.role'),
      render: (_, m) => (
        <RoleSelect
          value={m.role_id}
          aria-label={t('members.roleOf', { name: m.entity_name })}
          onChange={(roleId) => changeRole.mutate({ id: m.id ?? 0, roleId })}
        />
      ),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, m) => (
        <ConfirmButton
          question={t('members.removeConfirm', { name: m.entity_name })}
          onConfirm={() => remove.mutate(m.id ?? 0)}
          icon={<DeleteOutlined />}
          danger
          aria-label={t('members.removeOne', { name: m.entity_name })}
        >
          {t('members.remove')}
        </ConfirmButton>
      ),
    },
  ];
  return (
    <>
      <Flex justify="space-between" style={{ marginBottom: 16 }}>
        <SearchBox value={list.search} onSearch={list.setSearch} label={t('members.search')} />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
          {t('members.add')}
        </Button>
      </Flex>
      <ErrorAlert error={members.error} />
      <Table<ProjectMemberEntity>
        rowKey={(m) => m.id ?? m.entity_name ?? ''}
        columns={columns}
        dataSource={members.data?.items}
        loading={members.isFetching}
        {...list.tableProps<ProjectMemberEntity>(members.data?.total)}
      />
      <AddMemberModal project={project} open={adding} onClose={() => setAdding(false)} />
    </>
  );
}
