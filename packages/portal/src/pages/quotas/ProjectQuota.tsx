import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { projectSummary } from '../../api/quotas';
import { QuotaBar } from '../../components/QuotaBar';

/** A project's storage against its quota, from its summary (members may read it); `-` (or nothing) while unknown. */
export function ProjectQuota({ project, hideUnknown }: { project: string; hideUnknown?: boolean }) {
  const { t } = useTranslation();
  const summary = useQuery({
    queryKey: ['project-summary', project],
    queryFn: () => projectSummary(project),
    staleTime: 30_000,
  });
  const quota = summary.data?.quota;
  if (!quota) return hideUnknown ? null : <>-</>;
  return (
    <QuotaBar used={quota.used.storage} hard={quota.hard.storage} label={t('quotas.barLabel', { name: project })} />
  );
}
