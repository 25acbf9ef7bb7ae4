import { useTranslation } from 'react-i18next';
import { TimeText } from '../../components/TimeText';

/** When a token expires: never (-1 or null), or its time (Unix seconds, as robots', or an ISO time). */
export function TokenExpiry({ value }: { value: number | string | null | undefined }) {
  const { t } = useTranslation();
  if (value === null || value === undefined || value === -1 || value === '') return <span>{t('common.never')}</span>;
  const iso = typeof value === 'number' ? new Date(value * 1000).toISOString() : value;
  return <TimeText value={iso} />;
}
