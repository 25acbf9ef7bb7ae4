import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Flex, Space, Table, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { actOnQueue, listJobQueues, listSchedules, listWorkerPools, type QueueAction } from '../../api/jobservice';
import type { JobQueue, ScheduleTask, WorkerPool } from '../../api/models';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import { TimeText } from '../../components/TimeText';
import { useFeedback } from '../../hooks/use-feedback';
import { useListQuery } from '../../hooks/use-list-query';

/** How often the queues and pools are read again. */
export const JOBS_REFRESH_MS = 10_000;

/** The job engine for administrators: its queues (pause, resume, stop), its worker pools and its schedules. */
export function JobsTab() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const list = useListQuery({ prefix: 'schedules', defaultPageSize: 10 });
  const queues = useQuery({ queryKey: ['jobs', 'queues'], queryFn: listJobQueues, refetchInterval: JOBS_REFRESH_MS });
  const pools = useQuery({ queryKey: ['jobs', 'pools'], queryFn: listWorkerPools, refetchInterval: JOBS_REFRESH_MS });
  const query = list.query();
  const schedules = useQuery({
    queryKey: ['jobs', 'schedules', query],
    queryFn: () => listSchedules(query),
    placeholderData: keepPreviousData,
  });
  const act = useMutation({
    mutationFn: ({ type, action }: { type: string; action: QueueAction }) => actOnQueue(type, action),
    onSuccess: async (_, { action }) => {
      feedback.success(t(`jobs.done.${action}`));
      await queryClient.invalidateQueries({ queryKey: ['jobs', 'queues'] });
    },
    onError: feedback.failure,
  });
  const queueColumns: TableColumnsType<JobQueue> = [
    { key: 'job_type', title: t('jobs.jobType'), dataIndex: 'job_type' },
    { key: 'count', title: t('jobs.pending'), dataIndex: 'count', align: 'right' },
    {
      key: 'latency',
      title: t('jobs.latency'),
      align: 'right',
      render: (_, q) => t('jobs.seconds', { count: q.latency }),
    },
    {
      key: 'paused',
      title: t('jobs.state'),
      render: (_, q) =>
        q.paused ? (
          <StatusTag tone="warning">{t('jobs.paused')}</StatusTag>
        ) : (
          <StatusTag tone="success">{t('jobs.active')}</StatusTag>
        ),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, q) => (
        <Space>
          {q.paused ? (
            <Button size="small" onClick={() => act.mutate({ type: q.job_type, action: 'resume' })}>
              {t('jobs.resume')}
            </Button>
          ) : (
            <Button size="small" onClick={() => act.mutate({ type: q.job_type, action: 'pause' })}>
              {t('jobs.pause')}
            </Button>
          )}
          <ConfirmButton
            size="small"
            danger
            disabled={q.count === 0}
            question={t('jobs.stopConfirm', { type: q.job_type })}
            onConfirm={() => act.mutate({ type: q.job_type, action: 'stop' })}
          >
            {t('jobs.stop')}
          </ConfirmButton>
        </Space>
      ),
    },
  ];
  const poolColumns: TableColumnsType<WorkerPool> = [
    { key: 'worker_pool_id', title: t('jobs.poolId'), dataIndex: 'worker_pool_id' },
    { key: 'host', title: t('jobs.host'), dataIndex: 'host' },
    { key: 'pid', title: t('jobs.pid'), dataIndex: 'pid', align: 'right' },
    { key: 'concurrency', title: t('jobs.concurrency'), dataIndex: 'concurrency', align: 'right' },
    { key: 'start_at', title: t('jobs.startedAt'), render: (_, p) => <TimeText value={p.start_at} /> },
    { key: 'heartbeat_at', title: t('jobs.heartbeat'), render: (_, p) => <TimeText value={p.heartbeat_at} /> },
  ];
  const scheduleColumns: TableColumnsType<ScheduleTask> = [
    { key: 'id', title: t('jobs.scheduleId'), dataIndex: 'id', align: 'right' },
    { key: 'vendor_type', title: t('jobs.jobType'), dataIndex: 'vendor_type' },
    {
      key: 'vendor_id',
      title: t('jobs.vendor'),
      render: (_, s) => (s.vendor_id < 0 ? t('jobs.system') : s.vendor_id),
    },
    { key: 'cron', title: t('jobs.cron'), render: (_, s) => <code>{s.cron}</code> },
    { key: 'update_time', title: t('jobs.updated'), render: (_, s) => <TimeText value={s.update_time} /> },
  ];
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title={t('jobs.queuesTitle')}>
        <Flex gap={8} style={{ marginBottom: 16 }}>
          <Button onClick={() => act.mutate({ type: 'all', action: 'pause' })}>{t('jobs.pauseAll')}</Button>
          <Button onClick={() => act.mutate({ type: 'all', action: 'resume' })}>{t('jobs.resumeAll')}</Button>
          <ConfirmButton
            danger
            question={t('jobs.stopAllConfirm')}
            onConfirm={() => act.mutate({ type: 'all', action: 'stop' })}
          >
            {t('jobs.stopAll')}
          </ConfirmButton>
        </Flex>
        <ErrorAlert error={queues.error} />
        <Table<JobQueue>
          rowKey={(q) => q.job_type}
          columns={queueColumns}
          dataSource={queues.data}
          loading={queues.isPending}
          pagination={false}
          scroll={{ x: 'max-content' }}
        />
      </Card>
      <Card title={t('jobs.poolsTitle')}>
        <ErrorAlert error={pools.error} />
        <Table<WorkerPool>
          rowKey={(p) => p.worker_pool_id}
          columns={poolColumns}
          dataSource={pools.data}
          loading={pools.isPending}
          pagination={false}
          scroll={{ x: 'max-content' }}
        />
      </Card>
      <Card title={t('jobs.schedulesTitle')}>
        <ErrorAlert error={schedules.error} />
        <Table<ScheduleTask>
          rowKey={(s) => s.id}
          columns={scheduleColumns}
          dataSource={schedules.data?.items}
          loading={schedules.isFetching}
          locale={{ emptyText: t('jobs.noSchedules') }}
          scroll={{ x: 'max-content' }}
          {...list.tableProps<ScheduleTask>(schedules.data?.total)}
        />
      </Card>
    </Space>
  );
}
