import { useTranslation } from 'react-i18next';
import { SecretOnceModal } from '../../components/SecretOnceModal';

export interface ShownSecret {
  readonly name: string;
  readonly secret: string;
}

/** A robot's name and secret, shown once after creation or refresh. */
export function RobotSecretModal({ shown, onClose }: { shown: ShownSecret | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <SecretOnceModal
      open={shown !== undefined}
      title={t('robots.secretTitle')}
      warning={t('robots.secretOnce')}
      fields={[
        { label: t('robots.name'), value: shown?.name ?? '', copyLabel: t('robots.copyName'), testId: 'robot-name' },
        {
          label: t('robots.secret'),
          value: shown?.secret ?? '',
          copyLabel: t('robots.copySecret'),
          testId: 'robot-secret',
        },
      ]}
      onClose={onClose}
    />
  );
}
