import { Alert, Descriptions, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PersonalAccessTokenCreated } from '../../api/identity-models';
import { CopyButton } from '../../components/CopyButton';

/**
 * A new token's secret, shown once: Wharf keeps only its hash. One Close button (no corner ×); Escape closes it too.
 * Closed, the secret leaves the page.
 */
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
    <Modal
      open={created !== undefined}
      title={t('tokens.secretTitle', { name: created?.name ?? '' })}
      onOk={onClose}
      onCancel={onClose}
      okText={t('common.close')}
      closable={false}
      destroyOnHidden
      cancelButtonProps={{ style: { display: 'none' } }}
    >
      <Alert type="warning" showIcon message={t('tokens.secretOnce')} style={{ marginBottom: 16 }} />
      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label={t('tokens.secret')}>
          <Typography.Text code data-testid="token-secret">
            {created?.secret}
          </Typography.Text>{' '}
          <CopyButton text={created?.secret ?? ''} label={t('tokens.copySecret')} />
        </Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
        {t('tokens.howToUse', { username })}
      </Typography.Paragraph>
    </Modal>
  );
}
