import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Flex, Space, Table, Tag, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserGroup } from '../../api/identity-models';
import { deleteUserGroup, listUserGroups } from '../../api/usergroups';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SearchBox } from '../../components/SearchBox';
import { useFeedback } from '../../hooks/use-feedback';
import { useListQuery } from '../../hooks/use-list-query';
import { useSystemInfo } from '../../hooks/use-system-info';
import { CreateGroupModal } from './CreateGroupModal';
import { groupTypeName } from './group-types';
import { RenameGroupModal } from './RenameGroupModal';

/** User groups (LDAP, HTTP and OIDC groups) that can be project members: list, search, add, rename, delete. */
export function GroupsTab() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const info = useSystemInfo();
  const list = useListQuery();
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<UserGroup>();
  const query = list.query(list.search.trim());
  const groups = useQuery({
    queryKey: ['usergroups', query],
    queryFn: () => listUserGroups(query),
    placeholderData: keepPreviousData,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['usergroups'] });
  const remove = useMutation({
    mutationFn: (id: number) => deleteUserGroup(id),
    onSuccess: async () => {
      feedback.success(t('groups.deleted'));
      await refresh();
    },
    onError: feedback.failure,
  });
  const columns: TableColumnsType<UserGroup> = [
    { key: 'group_name', title: t('groups.name'), dataIndex: 'group_name' },
    {
      key: 'group_type',
      title: t('groups.type'),
      render: (_, g) => {
        const type = groupTypeName(g.group_type);
        return type ? <Tag>{t(`groups.types.${type}`)}</Tag> : g.group_type;
      },
    },
    { key: 'ldap_group_dn', title: t('groups.dn'), dataIndex: 'ldap_group_dn' },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, g) => (
        <Space>
          <Button
            size="small"
            icon={<EditOutlined />}
            aria-label={t('groups.editOne', { name: g.group_name })}
            onClick={() => setRenaming(g)}
          >
            {t('common.edit')}
          </Button>
          <ConfirmButton
            size="small"
            danger
            icon={<DeleteOutlined />}
            aria-label={t('groups.deleteOne', { name: g.group_name })}
            question={t('groups.deleteConfirm', { name: g.group_name })}
            onConfirm={() => remove.mutate(g.id ?? 0)}
          >
            {t('common.delete')}
          </ConfirmButton>
        </Space>
      ),
    },
  ];
  return (
    <>
      {info.data?.auth_mode === 'db_auth' ? (
        <Alert type="info" showIcon message={t('groups.dbAuthNote')} style={{ marginBottom: 16 }} />
      ) : null}
      <Flex justify="space-between" style={{ marginBottom: 16 }}>
        <SearchBox value={list.search} onSearch={list.setSearch} label={t('groups.search')} />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('groups.create')}
        </Button>
      </Flex>
      <ErrorAlert error={groups.error} />
      <Table<UserGroup>
        rowKey={(g) => g.id ?? g.group_name ?? ''}
        columns={columns}
        dataSource={groups.data?.items}
        loading={groups.isFetching}
        locale={{ emptyText: t('groups.empty') }}
        {...list.tableProps<UserGroup>(groups.data?.total)}
      />
      <CreateGroupModal
        open={creating}
        mode={info.data?.auth_mode}
        onClose={() => setCreating(false)}
        onCreated={refresh}
      />
      <RenameGroupModal group={renaming} onClose={() => setRenaming(undefined)} onRenamed={refresh} />
    </>
  );
}
