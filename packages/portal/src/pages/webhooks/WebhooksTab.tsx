import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Descriptions, Modal, Space, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Project } from '../../api/models';
import {
  createWebhook,
  deleteWebhook,
  listWebhooks,
  supportedWebhookEvents,
  testWebhook,
  updateWebhook,
  webhookLastTriggers,
  type WebhookLastTrigger,
  type WebhookPolicy,
  type WebhookTestOutcome,
} from '../../api/webhooks';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import { TimeText } from '../../components/TimeText';
import { useFeedback } from '../../hooks/use-feedback';
import { WebhookHistory } from './WebhookHistory';
import { policyOf, WebhookModal, type WebhookForm } from './WebhookModal';

/** What the dialog edits: nothing (closed), a new policy, or one of the list. */
type Editing = { kind: 'closed' } | { kind: 'new' } | { kind: 'edit'; policy: WebhookPolicy };

/** A policy's last trigger per event type, and its delivery history. */
function PolicyDetails({
  project,
  policy,
  triggers,
}: {
  project: string;
  policy: WebhookPolicy;
  triggers: WebhookLastTrigger[];
}) {
  const { t } = useTranslation();
  return (
    <>
      <Descriptions
        size="small"
        column={1}
        title={t('webhooks.lastTriggers')}
        items={policy.event_types.map((type) => ({
          key: type,
          label: t(`webhooks.events.${type}`, { defaultValue: type }),
          children: (
            <TimeText
              value={triggers.find((x) => x.policy_name === policy.name && x.event_type === type)?.last_trigger_time}
            />
          ),
        }))}
      />
      <Typography.Title level={5}>{t('webhooks.history.title')}</Typography.Title>
      <WebhookHistory project={project} policyId={policy.id ?? 0} />
    </>
  );
}

/**
 * A project's webhooks: its policies with their events and target, enabled or not; project admins create, edit,
 * enable, disable, test and delete them. Each policy opens its last trigger per event type and its deliveries.
 */
export function WebhooksTab({ project, canEdit }: { project: Project; canEdit: boolean }) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const name = project.name ?? '';
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Editing>({ kind: 'closed' });
  const [outcomes, setOutcomes] = useState<{ policy: string; results: WebhookTestOutcome[] } | undefined>();
  const policies = useQuery({
    queryKey: ['webhooks', name, 'policies', page],
    queryFn: () => listWebhooks(name, { page, pageSize: 10 }),
  });
  const events = useQuery({ queryKey: ['webhooks', name, 'events'], queryFn: () => supportedWebhookEvents(name) });
  const triggers = useQuery({ queryKey: ['webhooks', name, 'lasttrigger'], queryFn: () => webhookLastTriggers(name) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['webhooks', name] });
  const save = useMutation({
    mutationFn: async (form: WebhookForm) => {
      if (editing.kind === 'edit') await updateWebhook(name, editing.policy.id ?? 0, policyOf(form, editing.policy));
      else await createWebhook(name, policyOf(form));
    },
    onSuccess: async () => {
      feedback.success(t('webhooks.saved'));
      setEditing({ kind: 'closed' });
      await refresh();
    },
  });
  const toggle = useMutation({
    mutationFn: (policy: WebhookPolicy) => updateWebhook(name, policy.id ?? 0, { ...policy, enabled: !policy.enabled }),
    onSuccess: async (_, policy) => {
      feedback.success(policy.enabled ? t('webhooks.disabled') : t('webhooks.enabled'));
      await refresh();
    },
    onError: feedback.failure,
  });
  const remove = useMutation({
    mutationFn: (policy: WebhookPolicy) => deleteWebhook(name, policy.id ?? 0),
    onSuccess: async () => {
      feedback.success(t('webhooks.deleted'));
      await refresh();
    },
    onError: feedback.failure,
  });
  const test = useMutation({
    mutationFn: (policy: WebhookPolicy) => testWebhook(name, policy.id ?? 0),
    onSuccess: (results, policy) => setOutcomes({ policy: policy.name, results }),
    onError: feedback.failure,
  });
  const columns: TableColumnsType<WebhookPolicy> = [
    { key: 'name', title: t('webhooks.fields.name'), dataIndex: 'name' },
    {
      key: 'enabled',
      title: t('webhooks.fields.enabled'),
      render: (_, p) =>
        canEdit ? (
          <Switch
            checked={p.enabled ?? true}
            loading={toggle.isPending && toggle.variables.id === p.id}
            onChange={() => toggle.mutate(p)}
            aria-label={t('webhooks.toggle', { name: p.name })}
          />
        ) : p.enabled ? (
          t('common.yes')
        ) : (
          t('common.no')
        ),
    },
    {
      key: 'events',
      title: t('webhooks.fields.eventTypes'),
      render: (_, p) =>
        p.event_types.map((type) => <Tag key={type}>{t(`webhooks.events.${type}`, { defaultValue: type })}</Tag>),
    },
    {
      key: 'target',
      title: t('webhooks.fields.address'),
      render: (_, p) => p.targets.map((x) => `${x.type === 'slack' ? 'Slack' : 'HTTP'} ${x.address}`).join(', '),
    },
    { key: 'created', title: t('common.created'), render: (_, p) => <TimeText value={p.creation_time} /> },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, p) =>
        canEdit ? (
          <Space size="small" wrap>
            <Button
              size="small"
              autoInsertSpace={false}
              onClick={() => setEditing({ kind: 'edit', policy: p })}
              aria-label={t('webhooks.editOne', { name: p.name })}
            >
              {t('common.edit')}
            </Button>
            <Button
              size="small"
              autoInsertSpace={false}
              loading={test.isPending && test.variables.id === p.id}
              onClick={() => test.mutate(p)}
              aria-label={t('webhooks.testOne', { name: p.name })}
            >
              {t('webhooks.test')}
            </Button>
            <ConfirmButton
              size="small"
              danger
              question={t('webhooks.deleteQuestion', { name: p.name })}
              onConfirm={() => remove.mutate(p)}
              aria-label={t('webhooks.deleteOne', { name: p.name })}
            >
              {t('common.delete')}
            </ConfirmButton>
          </Space>
        ) : null,
    },
  ];
  return (
    <>
      <Typography.Paragraph type="secondary">{t('webhooks.explanation')}</Typography.Paragraph>
      {canEdit ? (
        <Button type="primary" onClick={() => setEditing({ kind: 'new' })} style={{ marginBottom: 16 }}>
          {t('webhooks.create')}
        </Button>
      ) : null}
      <ErrorAlert error={policies.error} />
      <Table<WebhookPolicy>
        rowKey="id"
        columns={columns}
        dataSource={policies.data?.items}
        loading={policies.isFetching && !policies.data}
        expandable={{
          expandedRowRender: (p) => <PolicyDetails project={name} policy={p} triggers={triggers.data ?? []} />,
        }}
        pagination={{
          current: page,
          pageSize: 10,
          total: policies.data?.total ?? 0,
          onChange: setPage,
          hideOnSinglePage: true,
        }}
        locale={{ emptyText: t('webhooks.none') }}
      />
      <WebhookModal
        open={editing.kind !== 'closed'}
        initial={editing.kind === 'edit' ? editing.policy : undefined}
        eventTypes={events.data?.event_type ?? []}
        pending={save.isPending}
        error={save.error}
        onCancel={() => {
          save.reset();
          setEditing({ kind: 'closed' });
        }}
        onSubmit={(form) => save.mutate(form)}
      />
      <Modal
        open={outcomes !== undefined}
        title={t('webhooks.testResults', { name: outcomes?.policy ?? '' })}
        onCancel={() => setOutcomes(undefined)}
        footer={null}
        width={720}
      >
        <Table<WebhookTestOutcome>
          size="small"
          rowKey="address"
          pagination={false}
          dataSource={outcomes?.results}
          columns={[
            { key: 'address', title: t('webhooks.fields.address'), dataIndex: 'address' },
            {
              key: 'result',
              title: t('webhooks.history.status'),
              render: (_, x) => (
                <StatusTag tone={x.success ? 'success' : 'error'}>
                  {x.success ? t('webhooks.testSucceeded') : t('webhooks.testFailed')}
                </StatusTag>
              ),
            },
            { key: 'message', title: t('webhooks.history.message'), dataIndex: 'message' },
          ]}
        />
      </Modal>
    </>
  );
}
