import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PersonalAccessTokenCreated } from '../../api/identity-models';
import { SecretOnceModal } from '../../components/SecretOnceModal';

/** A new personal access token's secret, shown once, with how to sign in with it. */
export function TokenSecretModal({
  created,
  username,
  onClose,
}: {
  created: PersonalAccessTokenCreated | undefined;
  username: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <SecretOnceModal
      open={created !== undefined}
      title={t('tokens.secretTitle', { name: created?.name ?? '' })}
      warning={t('tokens.secretOnce')}
      fields={[
        {
          label: t('tokens.secret'),
          value: created?.secret ?? '',
          copyLabel: t('tokens.copySecret'),
          testId: 'token-secret',
        },
      ]}
      footer={
        <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
          {t('tokens.howToUse', { username })}
        </Typography.Paragraph>
      }
      onClose={onClose}
    />
  );
}
