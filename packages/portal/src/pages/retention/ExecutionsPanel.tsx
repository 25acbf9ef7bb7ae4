import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Input, Modal, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  listRetentionExecutions,
  listRetentionTasks,
  retentionTaskLog,
  stopRetentionExecution,
  type RetentionExecution,
  type RetentionExecutionTask,
} from '../../api/retention';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TimeText } from '../../components/TimeText';
import { useFeedback } from '../../hooks/use-feedback';

/** A dot of the status's colour beside its name in the text colour (coloured text would miss AA contrast). */
const STATUS_BADGES: Readonly<Record<string, 'success' | 'error' | 'warning' | 'processing' | 'default'>> = {
  Success: 'success',
  Error: 'error',
  Stopped: 'warning',
  Running: 'processing',
  Pending: 'default',
};

function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge
      status={STATUS_BADGES[status] ?? 'default'}
      text={t(`retention.statuses.${status}`, { defaultValue: status })}
    />
  );
}

const live = (status: string) => status === 'Pending' || status === 'Running';

/** One run's tasks (one per repository), each with what it retained and its log. */
function TasksTable({ policyId, execution }: { policyId: number; execution: RetentionExecution }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const [logOf, setLogOf] = useState<RetentionExecutionTask | undefined>();
  const tasks = useQuery({
    queryKey: ['retention', policyId, 'tasks', execution.id, page],
    queryFn: () => listRetentionTasks(policyId, execution.id, { page, pageSize: 10 }),
    refetchInterval: live(execution.status) ? 3000 : false,
  });
  const log = useQuery({
    queryKey: ['retention', policyId, 'log', execution.id, logOf?.id],
    queryFn: () => retentionTaskLog(policyId, execution.id, logOf?.id ?? 0),
    enabled: logOf !== undefined,
  });
  const columns: TableColumnsType<RetentionExecutionTask> = [
    { key: 'repository', title: t('retention.executions.repository'), dataIndex: 'repository' },
    { key: 'status', title: t('retention.executions.status'), render: (_, x) => <StatusTag status={x.status} /> },
    {
      key: 'retained',
      title: t('retention.executions.retained'),
      render: (_, x) => t('retention.executions.retainedOf', { retained: x.retained, total: x.total }),
    },
    { key: 'start', title: t('retention.executions.startTime'), render: (_, x) => <TimeText value={x.start_time} /> },
    { key: 'end', title: t('retention.executions.endTime'), render: (_, x) => <TimeText value={x.end_time} /> },
    {
      key: 'log',
      title: t('retention.executions.log'),
      render: (_, x) => (
        <Button
          size="small"
          autoInsertSpace={false}
          onClick={() => setLogOf(x)}
          aria-label={t('retention.executions.logOf', { repository: x.repository })}
        >
          {t('retention.executions.log')}
        </Button>
      ),
    },
  ];
  return (
    <>
      <ErrorAlert error={tasks.error} />
      <Table<RetentionExecutionTask>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={tasks.data?.items}
        loading={tasks.isFetching && !tasks.data}
        pagination={{
          current: page,
          pageSize: 10,
          total: tasks.data?.total ?? 0,
          onChange: setPage,
          hideOnSinglePage: true,
        }}
        locale={{ emptyText: t('retention.executions.noTasks') }}
      />
      <Modal
        open={logOf !== undefined}
        title={t('retention.executions.logOf', { repository: logOf?.repository ?? '' })}
        onCancel={() => setLogOf(undefined)}
        footer={null}
        width={960}
      >
        <ErrorAlert error={log.error} />
        <Input.TextArea
          readOnly
          aria-label={t('retention.executions.logOf', { repository: logOf?.repository ?? '' })}
          value={log.data ?? ''}
          autoSize={{ minRows: 8, maxRows: 24 }}
          style={{ fontFamily: 'monospace', fontSize: 12, whiteSpace: 'pre' }}
        />
      </Modal>
    </>
  );
}

/** The policy's runs, newest first; a row opens its tasks; running ones can be stopped. */
export function ExecutionsPanel({ policyId, canRun }: { policyId: number; canRun: boolean }) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const executions = useQuery({
    queryKey: ['retention', policyId, 'executions', page],
    queryFn: () => listRetentionExecutions(policyId, { page, pageSize: 10 }),
    refetchInterval: (query) => (query.state.data?.items.some((e) => live(e.status)) ? 3000 : false),
  });
  const stop = useMutation({
    mutationFn: (id: number) => stopRetentionExecution(policyId, id),
    onSuccess: async () => {
      feedback.success(t('retention.executions.stopRequested'));
      await queryClient.invalidateQueries({ queryKey: ['retention', policyId] });
    },
    onError: feedback.failure,
  });
  const columns: TableColumnsType<RetentionExecution> = [
    { key: 'id', title: t('retention.executions.id'), dataIndex: 'id' },
    { key: 'status', title: t('retention.executions.status'), render: (_, e) => <StatusTag status={e.status} /> },
    {
      key: 'dry_run',
      title: t('retention.executions.dryRun'),
      render: (_, e) => (e.dry_run ? t('common.yes') : t('common.no')),
    },
    {
      key: 'trigger',
      title: t('retention.executions.trigger'),
      render: (_, e) => t(`retention.triggers.${e.trigger}`),
    },
    { key: 'start', title: t('retention.executions.startTime'), render: (_, e) => <TimeText value={e.start_time} /> },
    { key: 'end', title: t('retention.executions.endTime'), render: (_, e) => <TimeText value={e.end_time} /> },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, e) =>
        canRun && live(e.status) ? (
          <Button
            size="small"
            autoInsertSpace={false}
            danger
            onClick={() => stop.mutate(e.id)}
            aria-label={t('retention.executions.stopOne', { id: e.id })}
          >
            {t('retention.executions.stop')}
          </Button>
        ) : null,
    },
  ];
  return (
    <>
      <Typography.Title level={4}>{t('retention.executions.title')}</Typography.Title>
      <ErrorAlert error={executions.error} />
      <Table<RetentionExecution>
        rowKey="id"
        columns={columns}
        dataSource={executions.data?.items}
        loading={executions.isFetching && !executions.data}
        expandable={{ expandedRowRender: (e) => <TasksTable policyId={policyId} execution={e} /> }}
        pagination={{
          current: page,
          pageSize: 10,
          total: executions.data?.total ?? 0,
          onChange: setPage,
          hideOnSinglePage: true,
        }}
        locale={{ emptyText: t('retention.executions.none') }}
      />
    </>
  );
}
