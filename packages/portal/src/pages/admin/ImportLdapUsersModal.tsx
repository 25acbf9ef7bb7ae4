import { useMutation } from '@tanstack/react-query';
import { Alert, Input, List, Modal, Table, type CheckboxProps, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LdapFailedImportUser, LdapUser } from '../../api/identity-models';
import { importLdapUsers, searchLdapUsers } from '../../api/ldap';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useFeedback } from '../../hooks/use-feedback';

/**
 * Finds users in the LDAP directory and imports the chosen ones as Wharf users (so that they can be made project
 * members before they first sign in). The users the server could not import are listed with the reason.
 */
export function ImportLdapUsersModal(props: { open: boolean; onClose: () => void; onImported: () => Promise<void> }) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const [selected, setSelected] = useState<string[]>([]);
  const [failed, setFailed] = useState<LdapFailedImportUser[]>([]);
  const search = useMutation({
    mutationFn: (text: string) => searchLdapUsers(text.trim()),
    onSuccess: () => setSelected([]),
  });
  const importing = useMutation({
    mutationFn: (uids: string[]) => importLdapUsers(uids),
    onSuccess: async (failures, uids) => {
      setFailed(failures);
      const imported = uids.length - failures.length;
      if (imported > 0) {
        feedback.success(t('ldapImport.imported', { count: imported }));
        await props.onImported();
      }
      if (failures.length === 0) close();
    },
  });
  const close = () => {
    setSelected([]);
    setFailed([]);
    search.reset();
    importing.reset();
    props.onClose();
  };
  const columns: TableColumnsType<LdapUser> = [
    { key: 'username', title: t('user.username'), dataIndex: 'username' },
    { key: 'realname', title: t('user.realname'), dataIndex: 'realname' },
    { key: 'email', title: t('user.email'), dataIndex: 'email' },
  ];
  return (
    <Modal
      open={props.open}
      title={t('ldapImport.title')}
      width={720}
      okText={t('ldapImport.submit', { count: selected.length })}
      okButtonProps={{ disabled: selected.length === 0 }}
      cancelText={t('common.close')}
      confirmLoading={importing.isPending}
      onOk={() => importing.mutate(selected)}
      onCancel={close}
      destroyOnHidden
    >
      <Input.Search
        aria-label={t('ldapImport.search')}
        placeholder={t('ldapImport.search')}
        enterButton={t('common.search')}
        loading={search.isPending}
        onSearch={(text) => search.mutate(text)}
        style={{ marginBottom: 12 }}
      />
      <ErrorAlert error={search.error ?? importing.error} />
      {failed.length > 0 ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginBottom: 12 }}
          message={t('ldapImport.failed', { count: failed.length })}
          description={
            <List
              size="small"
              dataSource={failed}
              renderItem={(f) => (
                <List.Item>{t('ldapImport.failure', { uid: f.uid ?? '', error: f.error ?? '' })}</List.Item>
              )}
            />
          }
        />
      ) : null}
      {search.data ? (
        <Table<LdapUser>
          size="small"
          rowKey={(u) => u.username ?? ''}
          columns={columns}
          dataSource={search.data}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: t('ldapImport.none') }}
          rowSelection={{
            selectedRowKeys: selected,
            onChange: (keys) => setSelected(keys.map(String)),
            // CheckboxProps has no ARIA attributes in its type, but the check box passes them to its input.
            getCheckboxProps: (u) =>
              ({ 'aria-label': t('ldapImport.select', { name: u.username ?? '' }) }) as Partial<CheckboxProps>,
          }}
        />
      ) : null}
    </Modal>
  );
}
