import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Flex, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PersonalAccessToken, PersonalAccessTokenCreated } from '../../api/identity-models';
import { listAllTokens, listTokens, revokeToken } from '../../api/tokens';
import { useSession } from '../../app/session';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TimeText } from '../../components/TimeText';
import { useFeedback } from '../../hooks/use-feedback';
import { useListQuery } from '../../hooks/use-list-query';
import { CreateTokenModal } from './CreateTokenModal';
import { TokenExpiry } from './TokenExpiry';
import { TokenScopes } from './TokenScopes';
import { TokenSecretModal } from './TokenSecretModal';

/**
 * Personal access tokens: the signed-in user's own (`mine`: create, revoke), or every user's for an administrator
 * (`all`: with their owners; revoke).
 */
export function TokensPanel({ scope }: { scope: 'mine' | 'all' }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const { user } = useSession();
  const userId = user?.user_id ?? 0;
  const list = useListQuery({ defaultSort: '-creation_time' });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<PersonalAccessTokenCreated>();
  const query = list.query();
  const tokens = useQuery({
    queryKey: ['tokens', scope, userId, query],
    queryFn: () => (scope === 'all' ? listAllTokens(query) : listTokens(userId, query)),
    placeholderData: keepPreviousData,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['tokens'] });
  const revoke = useMutation({
    mutationFn: (token: PersonalAccessToken) => revokeToken(token.owner_id, token.id),
    onSuccess: async () => {
      feedback.success(t('tokens.revoked'));
      await refresh();
    },
    onError: feedback.failure,
  });
  const columns: TableColumnsType<PersonalAccessToken> = [
    { key: 'name', title: t('tokens.name'), dataIndex: 'name' },
    ...(scope === 'all' ? [{ key: 'owner_name', title: t('tokens.owner'), dataIndex: 'owner_name' }] : []),
    { key: 'description', title: t('tokens.description'), dataIndex: 'description' },
    {
      key: 'permissions',
      title: t('tokens.scope'),
      render: (_, token) => <TokenScopes permissions={token.permissions ?? []} />,
    },
    {
      key: 'creation_time',
      title: t('common.created'),
      render: (_, token) => <TimeText value={token.creation_time} />,
    },
    { key: 'expires_at', title: t('tokens.expires'), render: (_, token) => <TokenExpiry value={token.expires_at} /> },
    {
      key: 'last_used_time',
      title: t('tokens.lastUsed'),
      render: (_, token) => <TimeText value={token.last_used_time} />,
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, token) => (
        <ConfirmButton
          size="small"
          danger
          icon={<DeleteOutlined />}
          aria-label={t('tokens.revokeOne', { name: token.name })}
          question={t('tokens.revokeConfirm', { name: token.name })}
          onConfirm={() => revoke.mutate(token)}
        >
          {t('tokens.revoke')}
        </ConfirmButton>
      ),
    },
  ];
  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Text type="secondary">
          {scope === 'all' ? t('tokens.allExplanation') : t('tokens.explanation')}
        </Typography.Text>
        {scope === 'mine' ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('tokens.create')}
          </Button>
        ) : null}
      </Flex>
      <ErrorAlert error={tokens.error} />
      <Table<PersonalAccessToken>
        rowKey="id"
        columns={columns}
        dataSource={tokens.data?.items}
        loading={tokens.isFetching}
        locale={{ emptyText: t('tokens.empty') }}
        {...list.tableProps<PersonalAccessToken>(tokens.data?.total)}
      />
      {scope === 'mine' ? (
        <>
          <CreateTokenModal
            userId={userId}
            open={creating}
            onClose={() => setCreating(false)}
            onCreated={async (token) => {
              setCreated(token);
              await refresh();
            }}
          />
          <TokenSecretModal created={created} username={user?.username ?? ''} onClose={() => setCreated(undefined)} />
        </>
      ) : null}
    </>
  );
}
