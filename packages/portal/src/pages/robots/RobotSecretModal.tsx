import { Alert, Descriptions, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../../components/CopyButton';

export interface ShownSecret {
  readonly name: string;
  readonly secret: string;
}

/**
 * A robot's name and secret, shown once after creation or refresh: Wharf keeps only a hash of it. One Close button
 * (no corner ×, so it is the only button of that name); Escape closes it too. Closed, the secret leaves the page.
 */
export function RobotSecretModal({ shown, onClose }: { shown: ShownSecret | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      open={shown !== undefined}
      title={t('robots.secretTitle')}
      onOk={onClose}
      onCancel={onClose}
      okText={t('common.close')}
      closable={false}
      destroyOnHidden
      cancelButtonProps={{ style: { display: 'none' } }}
    >
      <Alert type="warning" showIcon message={t('robots.secretOnce')} style={{ marginBottom: 16 }} />
      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label={t('robots.name')}>
          <Typography.Text code data-testid="robot-name">
            {shown?.name}
          </Typography.Text>{' '}
          <CopyButton text={shown?.name ?? ''} label={t('robots.copyName')} />
        </Descriptions.Item>
        <Descriptions.Item label={t('robots.secret')}>
          <Typography.Text code data-testid="robot-secret">
            {shown?.secret}
          </Typography.Text>{' '}
          <CopyButton text={shown?.secret ?? ''} label={t('robots.copySecret')} />
        </Descriptions.Item>
      </Descriptions>
    </Modal>
  );
}
