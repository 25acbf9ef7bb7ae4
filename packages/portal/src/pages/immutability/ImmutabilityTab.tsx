import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Flex, Space, Switch, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deleteImmutableRule, formOf, listImmutableRules, updateImmutableRule } from '../../api/immutable';
import type { ImmutableRule } from '../../api/models';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useFeedback } from '../../hooks/use-feedback';
import { ImmutableRuleModal } from './ImmutableRuleModal';

/** A project holds at most this many rules (the server's limit, as Harbor's). */
export const MAX_RULES = 15;

/**
 * A project's immutable tag rules: tags they select can be neither pushed over nor deleted. Listed, added, changed,
 * enabled, disabled and deleted by the project's administrators and maintainers (the only ones the API lets list them).
 */
export function ImmutabilityTab({ project }: { project: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<ImmutableRule>();
  const rules = useQuery({ queryKey: ['immutable', project], queryFn: () => listImmutableRules(project) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['immutable', project] });
  const toggle = useMutation({
    mutationFn: (rule: ImmutableRule) => updateImmutableRule(project, { ...rule, disabled: !rule.disabled }),
    onSuccess: async (_, rule) => {
      feedback.success(rule.disabled ? t('immutability.enabled') : t('immutability.disabled'));
      await refresh();
    },
    onError: feedback.failure,
  });
  const remove = useMutation({
    mutationFn: (id: number) => deleteImmutableRule(project, id),
    onSuccess: async () => {
      feedback.success(t('immutability.deleted'));
      await refresh();
    },
    onError: feedback.failure,
  });
  const items = rules.data?.items ?? [];
  const describe = (rule: ImmutableRule) => {
    const f = formOf(rule);
    return {
      repositories: t(
        f.repoDecoration === 'repoMatches' ? 'immutability.matchingPattern' : 'immutability.excludingPattern',
        {
          pattern: f.repoPattern,
        },
      ),
      tags: t(f.tagDecoration === 'matches' ? 'immutability.matchingPattern' : 'immutability.excludingPattern', {
        pattern: f.tagPattern,
      }),
    };
  };
  const columns: TableColumnsType<ImmutableRule> = [
    { key: 'repositories', title: t('immutability.repositories'), render: (_, r) => describe(r).repositories },
    { key: 'tags', title: t('immutability.tags'), render: (_, r) => describe(r).tags },
    {
      key: 'enabled',
      title: t('immutability.enabledColumn'),
      render: (_, r, index) => (
        <Switch
          checked={!r.disabled}
          aria-label={t('immutability.enabledOf', { number: index + 1 })}
          onChange={() => toggle.mutate(r)}
        />
      ),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, r) => (
        <Space>
          <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(r)}>
            {t('common.edit')}
          </Button>
          <ConfirmButton
            size="small"
            danger
            icon={<DeleteOutlined />}
            question={t('immutability.deleteConfirm')}
            onConfirm={() => remove.mutate(r.id)}
          >
            {t('common.delete')}
          </ConfirmButton>
        </Space>
      ),
    },
  ];
  return (
    <>
      <Typography.Paragraph>{t('immutability.help', { max: MAX_RULES })}</Typography.Paragraph>
      <Flex justify="flex-end" style={{ marginBottom: 16 }}>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          disabled={items.length >= MAX_RULES}
          onClick={() => setCreating(true)}
        >
          {t('immutability.create')}
        </Button>
      </Flex>
      <ErrorAlert error={rules.error} />
      <Table<ImmutableRule>
        rowKey={(r) => r.id}
        columns={columns}
        dataSource={items}
        loading={rules.isFetching}
        pagination={false}
        locale={{ emptyText: t('immutability.empty') }}
      />
      <ImmutableRuleModal
        key={editing?.id ?? (creating ? 'new' : 'none')}
        project={project}
        open={creating || editing !== undefined}
        rule={editing}
        onClose={() => {
          setCreating(false);
          setEditing(undefined);
        }}
        onSaved={() => void refresh()}
      />
    </>
  );
}
