import { useTranslation } from 'react-i18next';
import { formatTime } from '../lib/time';

/** A time in the user's language, or "never" when Harbor reports the zero time. */
export function TimeText({ value }: { value: string | null | undefined }) {
  const { t, i18n } = useTranslation();
  const text = formatTime(value, i18n.language);
  return text ? <time dateTime={value ?? undefined}>{text}</time> : <span>{t('common.never')}</span>;
}
