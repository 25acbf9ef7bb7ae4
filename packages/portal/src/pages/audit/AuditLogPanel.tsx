import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { DatePicker, Input, Select, Space, Table, Tag, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { auditEventTypes, auditLogs, type AuditFilters } from '../../api/audit';
import type { AuditLogExt } from '../../api/models';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TimeText } from '../../components/TimeText';

/**
 * The audit log: every project's records (the administration's tab) or one project's (its Logs tab), newest first,
 * filtered by user, event type, resource and time range, a page at a time.
 */
export function AuditLogPanel({ project }: { project?: string }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<AuditFilters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(15);
  const change = (next: Partial<AuditFilters>) => {
    setFilters((current) => ({ ...current, ...next }));
    setPage(1);
  };
  const types = useQuery({ queryKey: ['audit', 'events'], queryFn: auditEventTypes });
  const logs = useQuery({
    queryKey: ['audit', project ?? '', filters, page, pageSize],
    queryFn: () => auditLogs({ project }, filters, page, pageSize),
    placeholderData: keepPreviousData,
  });
  const columns: TableColumnsType<AuditLogExt> = [
    { title: t('audit.columns.time'), dataIndex: 'op_time', render: (v: string) => <TimeText value={v} /> },
    { title: t('audit.columns.user'), dataIndex: 'username' },
    { title: t('audit.columns.operation'), dataIndex: 'operation' },
    { title: t('audit.columns.resourceType'), dataIndex: 'resource_type' },
    { title: t('audit.columns.resource'), dataIndex: 'resource' },
    { title: t('audit.columns.description'), dataIndex: 'operation_description' },
    {
      title: t('audit.columns.result'),
      dataIndex: 'operation_result',
      render: (ok: boolean) => <Tag color={ok ? 'green' : 'red'}>{ok ? t('audit.success') : t('audit.failure')}</Tag>,
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Input.Search
          allowClear
          aria-label={t('audit.filters.user')}
          placeholder={t('audit.filters.user')}
          onSearch={(v) => change({ username: v })}
          style={{ width: 180 }}
        />
        <Select
          allowClear
          aria-label={t('audit.filters.eventType')}
          placeholder={t('audit.filters.eventType')}
          style={{ width: 220 }}
          options={(types.data ?? []).map((value) => ({ value, label: value }))}
          onChange={(v: string | undefined) => change({ eventType: v })}
        />
        <Input.Search
          allowClear
          aria-label={t('audit.filters.resource')}
          placeholder={t('audit.filters.resource')}
          onSearch={(v) => change({ resource: v })}
          style={{ width: 220 }}
        />
        <DatePicker.RangePicker
          showTime
          aria-label={t('audit.filters.time')}
          onChange={(range) => change({ from: range?.[0]?.toISOString(), to: range?.[1]?.toISOString() })}
        />
      </Space>
      <ErrorAlert error={logs.error} />
      <Table<AuditLogExt>
        rowKey={(r) => r.id ?? 0}
        columns={columns}
        dataSource={logs.data?.items}
        loading={logs.isFetching}
        locale={{ emptyText: t('audit.empty') }}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize,
          total: logs.data?.total ?? 0,
          showSizeChanger: true,
          onChange: (p, size) => {
            setPage(size === pageSize ? p : 1);
            setPageSize(size);
          },
        }}
      />
    </Space>
  );
}
