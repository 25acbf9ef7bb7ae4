import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Checkbox, InputNumber, Select, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { purgeHistory, purgeSchedule, runPurge, setPurgeSchedule } from '../../api/audit';
import type { GCHistory } from '../../api/models';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TimeText } from '../../components/TimeText';
import { useFeedback } from '../../hooks/use-feedback';

const SCHEDULES = ['None', 'Hourly', 'Daily', 'Weekly'] as const;

/** The audit log purge: purge now (or a dry run), the schedule, and the runs (system administrators). */
export function AuditPurgeCard() {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const [hours, setHours] = useState(24 * 30);
  const [dryRun, setDryRun] = useState(false);
  const schedule = useQuery({ queryKey: ['purgeaudit', 'schedule'], queryFn: purgeSchedule });
  const history = useQuery({ queryKey: ['purgeaudit', 'history'], queryFn: () => purgeHistory(1, 10) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['purgeaudit'] });
  const run = useMutation({
    mutationFn: () => runPurge({ audit_retention_hour: hours, dry_run: dryRun }),
    onSuccess: async () => {
      feedback.success(t('audit.purge.started'));
      await refresh();
    },
    onError: (error) => feedback.failure(error),
  });
  const save = useMutation({
    mutationFn: (type: string) => setPurgeSchedule(type, { audit_retention_hour: hours }),
    onSuccess: async () => {
      feedback.success(t('audit.purge.scheduleSaved'));
      await refresh();
    },
    onError: (error) => feedback.failure(error),
  });
  const columns: TableColumnsType<GCHistory> = [
    { title: 'ID', dataIndex: 'id' },
    { title: t('audit.purge.trigger'), dataIndex: 'job_kind' },
    { title: t('audit.purge.status'), dataIndex: 'job_status' },
    { title: t('audit.columns.time'), dataIndex: 'creation_time', render: (v: string) => <TimeText value={v} /> },
    {
      title: t('audit.purge.purged'),
      dataIndex: 'job_parameters',
      render: (v: string | undefined) => {
        try {
          return String((JSON.parse(v ?? '{}') as { purged?: number }).purged ?? '–');
        } catch {
          return '–';
        }
      },
    },
  ];
  return (
    <Card title={t('audit.purge.title')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <span>{t('audit.purge.retention')}</span>
          <InputNumber
            aria-label={t('audit.purge.retention')}
            min={0}
            value={hours}
            onChange={(v) => setHours(v ?? 0)}
          />
          <Checkbox checked={dryRun} onChange={(e) => setDryRun(e.target.checked)}>
            {t('audit.purge.dryRun')}
          </Checkbox>
          <Button type="primary" loading={run.isPending} onClick={() => run.mutate()}>
            {t('audit.purge.now')}
          </Button>
        </Space>
        <Space wrap>
          <span>{t('audit.purge.schedule')}</span>
          <Select
            aria-label={t('audit.purge.schedule')}
            style={{ width: 140 }}
            value={schedule.data?.schedule?.type ?? 'None'}
            options={SCHEDULES.map((value) => ({ value, label: value }))}
            onChange={(type: string) => save.mutate(type)}
          />
          {schedule.data?.schedule?.next_scheduled_time ? (
            <Typography.Text type="secondary">
              {t('audit.purge.next')} <TimeText value={schedule.data.schedule.next_scheduled_time} />
            </Typography.Text>
          ) : null}
        </Space>
        <ErrorAlert error={history.error ?? schedule.error} />
        <Table<GCHistory>
          rowKey={(r) => r.id ?? 0}
          size="small"
          columns={columns}
          dataSource={history.data?.items}
          pagination={false}
        />
      </Space>
    </Card>
  );
}
