import { Flex, Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../lib/bytes';

/** The share of its limit at which a project's usage is shown in the warning colour (the server's default). */
export const QUOTA_WARNING_PERCENT = 85;

/** How full a quota is: `normal`, `warning` near the limit, `exceeded` at or past it, `unlimited` without one. */
export function quotaLevel(used: number, hard: number): 'unlimited' | 'normal' | 'warning' | 'exceeded' {
  if (hard < 0) return 'unlimited';
  const percent = hard === 0 ? 100 : (used / hard) * 100;
  if (percent >= 100) return 'exceeded';
  return percent >= QUOTA_WARNING_PERCENT ? 'warning' : 'normal';
}

const COLOURS = { normal: '#1677ff', warning: '#d48806', exceeded: '#cf1322' } as const;

/**
 * A project's storage: a bar of the bytes used against the limit (in the warning colour near it), or the bytes used
 * and "unlimited". `label` names the bar for screen readers.
 */
export function QuotaBar({ used, hard, label }: { used?: number; hard?: number; label: string }) {
  const { t } = useTranslation();
  const usedBytes = used ?? 0;
  const limit = hard ?? -1;
  const level = quotaLevel(usedBytes, limit);
  if (level === 'unlimited') {
    return (
      <Typography.Text data-testid="quota-usage">
        {t('quotas.usedUnlimited', { used: formatBytes(usedBytes) })}
      </Typography.Text>
    );
  }
  const percent = limit === 0 ? 100 : Math.min(100, (usedBytes / limit) * 100);
  return (
    <Flex vertical style={{ minWidth: 160, maxWidth: 320 }}>
      <Progress
        percent={Math.round(percent)}
        showInfo={false}
        size="small"
        strokeColor={COLOURS[level]}
        status={level === 'exceeded' ? 'exception' : 'normal'}
        aria-label={label}
        aria-valuetext={t('quotas.usageOf', { used: formatBytes(usedBytes), limit: formatBytes(limit) })}
        style={{ margin: 0 }}
      />
      <Typography.Text data-testid="quota-usage" type={level === 'normal' ? undefined : 'danger'}>
        {t('quotas.usageOf', { used: formatBytes(usedBytes), limit: formatBytes(limit) })}
        {level === 'warning' ? ` · ${t('quotas.nearLimit')}` : ''}
        {level === 'exceeded' ? ` · ${t('quotas.overLimit')}` : ''}
      </Typography.Text>
    </Flex>
  );
}
