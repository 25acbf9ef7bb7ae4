import { useQuery } from '@tanstack/react-query';
import { Button, Input, Modal, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  listWebhookExecutions,
  listWebhookTasks,
  webhookTaskLog,
  type WebhookExecution,
  type WebhookTask,
} from '../../api/webhooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag, type Tone } from '../../components/StatusTag';
import { TimeText } from '../../components/TimeText';

const TONES: Readonly<Record<string, Tone>> = {
  Success: 'success',
  Error: 'error',
  Stopped: 'warning',
  Running: 'processing',
  Pending: 'default',
};

function Status({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <StatusTag tone={TONES[status] ?? 'default'}>
      {t(`webhooks.statuses.${status}`, { defaultValue: status })}
    </StatusTag>
  );
}

const live = (status: string) => status === 'Pending' || status === 'Running';

interface Where {
  readonly project: string;
  readonly policyId: number;
}

/** One delivery's tasks (one per target), each with its runs and its log. */
function Tasks({ project, policyId, execution }: Where & { execution: WebhookExecution }) {
  const { t } = useTranslation();
  const [logOf, setLogOf] = useState<WebhookTask | undefined>();
  const tasks = useQuery({
    queryKey: ['webhooks', project, policyId, 'tasks', execution.id],
    queryFn: () => listWebhookTasks(project, policyId, execution.id, { page: 1, pageSize: 100 }),
    refetchInterval: live(execution.status) ? 3000 : false,
  });
  const log = useQuery({
    queryKey: ['webhooks', project, policyId, 'log', execution.id, logOf?.id],
    queryFn: () => webhookTaskLog(project, policyId, execution.id, logOf?.id ?? 0),
    enabled: logOf !== undefined,
  });
  const title = t('webhooks.history.logOf', { id: logOf?.id ?? '' });
  const columns: TableColumnsType<WebhookTask> = [
    { key: 'id', title: t('webhooks.history.task'), dataIndex: 'id' },
    { key: 'status', title: t('webhooks.history.status'), render: (_, x) => <Status status={x.status} /> },
    { key: 'runs', title: t('webhooks.history.runs'), dataIndex: 'run_count' },
    { key: 'message', title: t('webhooks.history.message'), render: (_, x) => x.status_message ?? '' },
    { key: 'end', title: t('webhooks.history.endTime'), render: (_, x) => <TimeText value={x.end_time} /> },
    {
      key: 'log',
      title: t('webhooks.history.log'),
      render: (_, x) => (
        <Button
          size="small"
          autoInsertSpace={false}
          onClick={() => setLogOf(x)}
          aria-label={t('webhooks.history.logOf', { id: x.id })}
        >
          {t('webhooks.history.log')}
        </Button>
      ),
    },
  ];
  return (
    <>
      <ErrorAlert error={tasks.error} />
      <Table<WebhookTask>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={tasks.data?.items}
        loading={tasks.isFetching && !tasks.data}
        pagination={false}
      />
      <Modal open={logOf !== undefined} title={title} onCancel={() => setLogOf(undefined)} footer={null} width={960}>
        <ErrorAlert error={log.error} />
        <Input.TextArea
          readOnly
          aria-label={title}
          value={log.data ?? ''}
          autoSize={{ minRows: 8, maxRows: 24 }}
          style={{ fontFamily: 'monospace', fontSize: 12, whiteSpace: 'pre' }}
        />
      </Modal>
    </>
  );
}

/** A policy's deliveries, newest first: one per event, a row opens its tasks and their logs. */
export function WebhookHistory({ project, policyId }: Where) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const executions = useQuery({
    queryKey: ['webhooks', project, policyId, 'executions', page],
    queryFn: () => listWebhookExecutions(project, policyId, { page, pageSize: 10 }),
    refetchInterval: (query) => (query.state.data?.items.some((e) => live(e.status)) ? 3000 : false),
  });
  const columns: TableColumnsType<WebhookExecution> = [
    { key: 'id', title: t('webhooks.history.id'), dataIndex: 'id' },
    {
      key: 'event',
      title: t('webhooks.history.event'),
      render: (_, e) => {
        const type = e.extra_attrs?.event_type ?? '';
        return t(`webhooks.events.${type}`, { defaultValue: type });
      },
    },
    { key: 'status', title: t('webhooks.history.status'), render: (_, e) => <Status status={e.status} /> },
    { key: 'start', title: t('webhooks.history.startTime'), render: (_, e) => <TimeText value={e.start_time} /> },
    { key: 'end', title: t('webhooks.history.endTime'), render: (_, e) => <TimeText value={e.end_time} /> },
  ];
  return (
    <>
      <ErrorAlert error={executions.error} />
      <Table<WebhookExecution>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={executions.data?.items}
        loading={executions.isFetching && !executions.data}
        expandable={{ expandedRowRender: (e) => <Tasks project={project} policyId={policyId} execution={e} /> }}
        pagination={{
          current: page,
          pageSize: 10,
          total: executions.data?.total ?? 0,
          onChange: setPage,
          hideOnSinglePage: true,
        }}
        locale={{ emptyText: t('webhooks.history.none') }}
      />
    </>
  );
}
