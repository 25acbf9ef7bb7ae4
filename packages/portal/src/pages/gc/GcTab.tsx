import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Card,
  Checkbox,
  Flex,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Spin,
  Table,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  gcDetails,
  gcHistory,
  gcSchedule,
  runGc,
  setGcSchedule,
  stopGc,
  type GcParameters,
  type GcScheduleType,
} from '../../api/gc';
import type { GCHistory } from '../../api/models';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag, type Tone } from '../../components/StatusTag';
import { TimeText } from '../../components/TimeText';
import { useFeedback } from '../../hooks/use-feedback';
import { useListQuery } from '../../hooks/use-list-query';
import { formatBytes } from '../../lib/bytes';
import { GcLogModal } from './GcLogModal';
import { GC_REFRESH_MS, isActive } from './gc-status';

const SCHEDULE_TYPES = ['None', 'Hourly', 'Daily', 'Weekly', 'Custom'] as const;
type ScheduleType = (typeof SCHEDULE_TYPES)[number];

/** A six-field cron, seconds first: six runs of non-blank characters. */
export const CRON_PATTERN = /^\s*\S+(\s+\S+){5}\s*$/;

interface Options {
  delete_untagged: boolean;
  workers: number;
  /** Hours; empty: the server's configured window (gc.timeWindow, 2 hours by default). */
  time_window?: number | null;
}

interface ScheduleForm {
  type: ScheduleType;
  cron?: string;
}

function scheduleTypeOf(value: string | undefined): ScheduleType {
  return (SCHEDULE_TYPES as readonly (string | undefined)[]).includes(value) ? (value as ScheduleType) : 'None';
}

const STATUS_TONES: Record<string, Tone> = {
  Success: 'success',
  Error: 'error',
  Running: 'processing',
  Pending: 'default',
  Stopped: 'warning',
};

/**
 * Garbage collection: run it now or as a dry run with its options, its schedule, and the runs with their logs. The
 * history is read again every few seconds while a run is pending or running.
 */
export function GcTab() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const list = useListQuery({ prefix: 'gc', defaultPageSize: 10 });
  const [logOf, setLogOf] = useState<GCHistory>();
  const [options] = Form.useForm<Options>();
  const schedule = useQuery({ queryKey: ['gc', 'schedule'], queryFn: gcSchedule });
  const query = list.query();
  const history = useQuery({
    queryKey: ['gc', 'history', query],
    queryFn: () => gcHistory(query),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some(isActive) ? GC_REFRESH_MS : false),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['gc'] });
  const parameters = (): GcParameters => {
    const values = options.getFieldsValue();
    const window = values.time_window;
    return {
      delete_untagged: values.delete_untagged,
      workers: values.workers,
      ...(typeof window === 'number' && { time_window: window }),
    };
  };
  const run = useMutation({
    mutationFn: (dryRun: boolean) => runGc({ ...parameters(), dry_run: dryRun }),
    onSuccess: async (_, dryRun) => {
      feedback.success(dryRun ? t('gc.dryRunStarted') : t('gc.started'));
      await refresh();
    },
    onError: feedback.failure,
  });
  const saveSchedule = useMutation({
    mutationFn: (values: ScheduleForm) =>
      setGcSchedule(
        values.type as GcScheduleType,
        values.type === 'Custom' ? values.cron?.trim() : undefined,
        parameters(),
      ),
    onSuccess: async () => {
      feedback.success(t('gc.scheduleSaved'));
      await refresh();
    },
  });
  const stop = useMutation({
    mutationFn: (id: number) => stopGc(id),
    onSuccess: async () => {
      feedback.success(t('gc.stopRequested'));
      await refresh();
    },
    onError: feedback.failure,
  });
  if (schedule.isPending) return <Spin />;
  if (schedule.isError) return <ErrorAlert error={schedule.error} />;
  const current = schedule.data;
  const currentParams = current ? gcDetails(current) : {};
  const running = history.data?.items.some(isActive) ?? false;

  const columns: TableColumnsType<GCHistory> = [
    { key: 'id', title: t('gc.id'), dataIndex: 'id', align: 'right' },
    {
      key: 'trigger',
      title: t('gc.trigger'),
      render: (_, r) => (r.job_kind === 'SCHEDULE' ? t('gc.triggerSchedule') : t('gc.triggerManual')),
    },
    {
      key: 'dry_run',
      title: t('gc.dryRun'),
      render: (_, r) => (gcDetails(r).dry_run ? t('common.yes') : t('common.no')),
    },
    {
      key: 'status',
      title: t('gc.status'),
      render: (_, r) => (
        <StatusTag tone={STATUS_TONES[r.job_status ?? ''] ?? 'default'}>
          {t(`gc.statuses.${statusKey(r.job_status)}`)}
        </StatusTag>
      ),
    },
    { key: 'start', title: t('gc.start'), render: (_, r) => <TimeText value={r.creation_time} /> },
    {
      key: 'end',
      title: t('gc.end'),
      render: (_, r) => (isActive(r) ? '-' : <TimeText value={r.update_time} />),
    },
    {
      key: 'freed',
      title: t('gc.freed'),
      align: 'right',
      render: (_, r) => {
        const d = gcDetails(r);
        if (d.freed_space === undefined) return '-';
        return t('gc.freedOf', { size: formatBytes(d.freed_space), blobs: d.purged_blobs ?? 0 });
      },
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, r) => (
        <Space>
          <Button size="small" onClick={() => setLogOf(r)}>
            {t('gc.log')}
          </Button>
          {isActive(r) ? (
            <ConfirmButton
              size="small"
              danger
              question={t('gc.stopConfirm', { id: r.id })}
              onConfirm={() => stop.mutate(r.id ?? 0)}
            >
              {t('gc.stop')}
            </ConfirmButton>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title={t('gc.runTitle')}>
        <Typography.Paragraph>{t('gc.help')}</Typography.Paragraph>
        <Form<Options>
          form={options}
          name="gc-options"
          layout="inline"
          initialValues={{
            delete_untagged: currentParams.delete_untagged ?? false,
            workers: currentParams.workers ?? 1,
            time_window: currentParams.time_window ?? null,
          }}
        >
          <Form.Item name="delete_untagged" valuePropName="checked">
            <Checkbox>{t('gc.deleteUntagged')}</Checkbox>
          </Form.Item>
          <Form.Item name="workers" label={t('gc.workers')} rules={[{ required: true }]}>
            <InputNumber min={1} max={5} precision={0} />
          </Form.Item>
          <Form.Item name="time_window" label={t('gc.timeWindow')} tooltip={t('gc.timeWindowHelp')}>
            <InputNumber min={0} placeholder={t('gc.timeWindowDefault')} />
          </Form.Item>
        </Form>
        <Flex gap={8} style={{ marginTop: 16 }}>
          <Button type="primary" loading={run.isPending && run.variables === false} onClick={() => run.mutate(false)}>
            {t('gc.runNow')}
          </Button>
          <Button loading={run.isPending && run.variables === true} onClick={() => run.mutate(true)}>
            {t('gc.dryRunNow')}
          </Button>
        </Flex>
        {running ? (
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }} role="status">
            {t('gc.running')}
          </Typography.Paragraph>
        ) : null}
      </Card>
      <Card title={t('gc.scheduleTitle')}>
        <ErrorAlert error={saveSchedule.error} />
        <Form<ScheduleForm>
          name="gc-schedule"
          layout="vertical"
          initialValues={{ type: scheduleTypeOf(current?.schedule?.type), cron: current?.schedule?.cron ?? '' }}
          onFinish={(values) => saveSchedule.mutate(values)}
        >
          <Form.Item name="type" label={t('gc.scheduleType')}>
            <Select
              style={{ width: 240 }}
              options={SCHEDULE_TYPES.map((type) => ({ value: type, label: t(`gc.scheduleTypes.${type}`) }))}
            />
          </Form.Item>
          <Form.Item<ScheduleForm> noStyle shouldUpdate={(a, b) => a.type !== b.type}>
            {({ getFieldValue }) =>
              getFieldValue('type') === 'Custom' ? (
                <Form.Item
                  name="cron"
                  label={t('gc.cron')}
                  extra={t('gc.cronHelp')}
                  rules={[{ required: true, pattern: CRON_PATTERN, message: t('gc.cronRule') }]}
                >
                  <Input style={{ maxWidth: 320 }} />
                </Form.Item>
              ) : null
            }
          </Form.Item>
          <Typography.Paragraph type="secondary">
            {current?.schedule?.cron ? t('gc.currentCron', { cron: current.schedule.cron }) : t('gc.noSchedule')}
            {current?.schedule?.next_scheduled_time ? (
              <>
                {' · '}
                {t('gc.nextRun')} <TimeText value={current.schedule.next_scheduled_time} />
              </>
            ) : null}
          </Typography.Paragraph>
          <Button type="primary" htmlType="submit" loading={saveSchedule.isPending}>
            {t('gc.saveSchedule')}
          </Button>
        </Form>
      </Card>
      <Card title={t('gc.historyTitle')}>
        <ErrorAlert error={history.error} />
        <Table<GCHistory>
          rowKey={(r) => r.id ?? 0}
          columns={columns}
          dataSource={history.data?.items}
          loading={history.isFetching && !history.isRefetching}
          locale={{ emptyText: t('gc.empty') }}
          scroll={{ x: 'max-content' }}
          {...list.tableProps<GCHistory>(history.data?.total)}
        />
      </Card>
      <GcLogModal run={logOf} onClose={() => setLogOf(undefined)} />
    </Space>
  );
}

const STATUSES = ['Pending', 'Running', 'Stopped', 'Error', 'Success'] as const;

function statusKey(status: string | undefined): (typeof STATUSES)[number] | 'unknown' {
  return (STATUSES as readonly (string | undefined)[]).includes(status)
    ? (status as (typeof STATUSES)[number])
    : 'unknown';
}
