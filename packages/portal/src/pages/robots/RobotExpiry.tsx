import { useTranslation } from 'react-i18next';
import type { Robot } from '../../api/models';
import { TimeText } from '../../components/TimeText';

/** When a robot expires: never (duration -1), or its expiry time (Harbor gives Unix seconds). */
export function RobotExpiry({ robot }: { robot: Robot }) {
  const { t } = useTranslation();
  if (robot.duration === -1 || !robot.expires_at || robot.expires_at < 0) return <span>{t('robots.never')}</span>;
  return <TimeText value={new Date(robot.expires_at * 1000).toISOString()} />;
}
