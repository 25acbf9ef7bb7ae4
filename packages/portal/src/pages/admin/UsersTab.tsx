import { CloudDownloadOutlined, DeleteOutlined, KeyOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Flex, Space, Switch, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserResp } from '../../api/models';
import { fuzzy } from '../../api/paging';
import { deleteUser, listUsers, setSysadmin } from '../../api/users';
import { useSession } from '../../app/session';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SearchBox } from '../../components/SearchBox';
import { TimeText } from '../../components/TimeText';
import { useFeedback } from '../../hooks/use-feedback';
import { useListQuery } from '../../hooks/use-list-query';
import { useSystemInfo } from '../../hooks/use-system-info';
import { CreateUserModal } from './CreateUserModal';
import { ImportLdapUsersModal } from './ImportLdapUsersModal';
import { ResetPasswordModal } from './ResetPasswordModal';

/** Every user: create (or import from LDAP in ldap_auth), make or unmake administrator, reset the password, delete. */
export function UsersTab() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const { user: me } = useSession();
  const list = useListQuery({ defaultSort: 'username' });
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const mode = useSystemInfo().data?.auth_mode;
  const ldap = mode === 'ldap_auth';
  // Users are created here only with local users; otherwise they come from the directory or the provider.
  const local = mode === undefined || mode === 'db_auth';
  const [resetting, setResetting] = useState<UserResp>();
  const query = list.query(fuzzy('username', list.search));
  const users = useQuery({
    queryKey: ['users', query],
    queryFn: () => listUsers(query),
    placeholderData: keepPreviousData,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['users'] });
  const admin = useMutation({
    mutationFn: ({ id, on }: { id: number; on: boolean }) => setSysadmin(id, on),
    onSuccess: refresh,
    onError: feedback.failure,
  });
  const remove = useMutation({
    mutationFn: (id: number) => deleteUser(id),
    onSuccess: async () => {
      feedback.success(t('users.deleted'));
      await refresh();
    },
    onError: feedback.failure,
  });
  const columns: TableColumnsType<UserResp> = [
    {
      key: 'username',
      title: t('user.username'),
      dataIndex: 'username',
      sorter: true,
      sortOrder: list.sortOrder('username'),
    },
    { key: 'email', title: t('user.email'), dataIndex: 'email', sorter: true, sortOrder: list.sortOrder('email') },
    { key: 'realname', title: t('user.realname'), dataIndex: 'realname' },
    {
      key: 'sysadmin_flag',
      title: t('users.admin'),
      render: (_, u) => (
        <Switch
          checked={u.sysadmin_flag}
          disabled={u.user_id === me?.user_id}
          aria-label={t('users.adminOf', { name: u.username })}
          onChange={(on) => admin.mutate({ id: u.user_id ?? 0, on })}
        />
      ),
    },
    {
      key: 'creation_time',
      title: t('common.created'),
      sorter: true,
      sortOrder: list.sortOrder('creation_time'),
      render: (_, u) => <TimeText value={u.creation_time} />,
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, u) => (
        <Space>
          <Button size="small" icon={<KeyOutlined />} onClick={() => setResetting(u)}>
            {t('users.resetPassword')}
          </Button>
          <ConfirmButton
            size="small"
            danger
            icon={<DeleteOutlined />}
            disabled={u.user_id === me?.user_id}
            question={t('users.deleteConfirm', { name: u.username })}
            onConfirm={() => remove.mutate(u.user_id ?? 0)}
          >
            {t('common.delete')}
          </ConfirmButton>
        </Space>
      ),
    },
  ];
  return (
    <>
      <Flex justify="space-between" style={{ marginBottom: 16 }}>
        <SearchBox value={list.search} onSearch={list.setSearch} label={t('users.search')} />
        <Space>
          {ldap ? (
            <Button icon={<CloudDownloadOutlined />} onClick={() => setImporting(true)}>
              {t('ldapImport.open')}
            </Button>
          ) : null}
          {local ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('users.create')}
            </Button>
          ) : null}
        </Space>
      </Flex>
      <ErrorAlert error={users.error} />
      <Table<UserResp>
        rowKey={(u) => u.user_id ?? u.username ?? ''}
        columns={columns}
        dataSource={users.data?.items}
        loading={users.isFetching}
        {...list.tableProps<UserResp>(users.data?.total)}
      />
      <ImportLdapUsersModal open={importing} onClose={() => setImporting(false)} onImported={refresh} />
      <CreateUserModal open={creating} onClose={() => setCreating(false)} onCreated={refresh} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(undefined)} />
    </>
  );
}
