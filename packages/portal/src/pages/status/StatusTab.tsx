import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Space, Table, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { listJobQueues } from '../../api/jobservice';
import type { JobQueue, NotificationEndpointStatus } from '../../api/models';
import { health, notificationEndpoints, statistics } from '../../api/status';
import { systemInfo } from '../../api/system';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusTag } from '../../components/StatusTag';
import { TimeText } from '../../components/TimeText';
import { formatBytes } from '../../lib/bytes';

/** How often the status is read again. */
export const STATUS_REFRESH_MS = 10_000;

type Component = { name: string; status: 'healthy' | 'unhealthy'; error?: string };

/**
 * System status for administrators: the components' health, version and system information, the job queues in
 * short, storage use, and the registry notification endpoints' queues.
 */
export function StatusTab() {
  const { t } = useTranslation();
  const refetchInterval = STATUS_REFRESH_MS;
  const report = useQuery({ queryKey: ['status', 'health'], queryFn: health, refetchInterval });
  const info = useQuery({ queryKey: ['status', 'systeminfo'], queryFn: systemInfo });
  const queues = useQuery({ queryKey: ['jobs', 'queues'], queryFn: listJobQueues, refetchInterval });
  const stats = useQuery({ queryKey: ['status', 'statistics'], queryFn: statistics, refetchInterval });
  const endpoints = useQuery({
    queryKey: ['status', 'notifications'],
    queryFn: notificationEndpoints,
    refetchInterval,
  });

  const componentColumns: TableColumnsType<Component> = [
    { key: 'name', title: t('status.component'), render: (_, c) => t(`status.components.${c.name}`, c.name) },
    {
      key: 'status',
      title: t('status.state'),
      render: (_, c) =>
        c.status === 'healthy' ? (
          <StatusTag tone="success">{t('status.healthy')}</StatusTag>
        ) : (
          <StatusTag tone="error">{t('status.unhealthy')}</StatusTag>
        ),
    },
    { key: 'error', title: t('status.error'), render: (_, c) => c.error ?? '' },
  ];
  const queueColumns: TableColumnsType<JobQueue> = [
    { key: 'job_type', title: t('jobs.jobType'), dataIndex: 'job_type' },
    { key: 'count', title: t('jobs.pending'), dataIndex: 'count', align: 'right' },
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
  ];
  const endpointColumns: TableColumnsType<NotificationEndpointStatus> = [
    { key: 'name', title: t('status.endpoint'), dataIndex: 'name' },
    { key: 'url', title: t('status.url'), render: (_, e) => <code>{e.url}</code> },
    {
      key: 'state',
      title: t('status.state'),
      render: (_, e) =>
        e.disabled ? (
          <StatusTag tone="default">{t('status.disabled')}</StatusTag>
        ) : e.consecutive_failures > 0 ? (
          <StatusTag tone="error">{t('status.failing')}</StatusTag>
        ) : (
          <StatusTag tone="success">{t('status.delivering')}</StatusTag>
        ),
    },
    { key: 'pending', title: t('status.pending'), dataIndex: 'pending', align: 'right' },
    { key: 'successes', title: t('status.successes'), dataIndex: 'successes', align: 'right' },
    { key: 'failures', title: t('status.failures'), dataIndex: 'failures', align: 'right' },
    { key: 'dropped', title: t('status.dropped'), dataIndex: 'dropped', align: 'right' },
    { key: 'last_error', title: t('status.lastError'), render: (_, e) => e.last_error ?? '' },
    {
      key: 'last_success_time',
      title: t('status.lastSuccess'),
      render: (_, e) => <TimeText value={e.last_success_time} />,
    },
  ];
  const overall = report.data?.status;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card
        title={t('status.healthTitle')}
        extra={
          overall === undefined ? null : overall === 'healthy' ? (
            <StatusTag tone="success">{t('status.healthy')}</StatusTag>
          ) : (
            <StatusTag tone="error">{t('status.unhealthy')}</StatusTag>
          )
        }
      >
        <ErrorAlert error={report.error} />
        <Table<Component>
          rowKey={(c) => c.name}
          columns={componentColumns}
          dataSource={report.data?.components}
          loading={report.isPending}
          pagination={false}
          scroll={{ x: 'max-content' }}
        />
      </Card>
      <Card title={t('status.systemTitle')}>
        <ErrorAlert error={info.error ?? stats.error} />
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('status.version')}>{info.data?.harbor_version ?? ''}</Descriptions.Item>
          <Descriptions.Item label={t('status.registryUrl')}>{info.data?.registry_url ?? ''}</Descriptions.Item>
          <Descriptions.Item label={t('status.storageProvider')}>
            {info.data?.registry_storage_provider_name ?? ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('status.readOnly')}>
            {info.data?.read_only ? t('status.yes') : t('status.no')}
          </Descriptions.Item>
          <Descriptions.Item label={t('status.serverTime')}>
            <TimeText value={info.data?.current_time} />
          </Descriptions.Item>
          <Descriptions.Item label={t('status.storageUsed')}>
            {stats.data ? formatBytes(stats.data.total_storage_consumption) : ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('status.projects')}>{stats.data?.total_project_count ?? ''}</Descriptions.Item>
          <Descriptions.Item label={t('status.repositories')}>{stats.data?.total_repo_count ?? ''}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('status.queuesTitle')}>
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
      <Card title={t('status.notificationsTitle')}>
        <ErrorAlert error={endpoints.error} />
        <Table<NotificationEndpointStatus>
          rowKey={(e) => e.name}
          columns={endpointColumns}
          dataSource={endpoints.data?.endpoints}
          loading={endpoints.isPending}
          locale={{ emptyText: t('status.noEndpoints') }}
          pagination={false}
          scroll={{ x: 'max-content' }}
        />
      </Card>
    </Space>
  );
}
