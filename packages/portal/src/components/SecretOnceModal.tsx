import { Alert, Descriptions, Modal, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyButton } from './CopyButton';

export interface SecretField {
  readonly label: string;
  readonly value: string;
  readonly copyLabel: string;
  readonly testId: string;
}

/**
 * A secret shown once (a robot's, a personal access token's): Wharf keeps only its hash. One Close button (no corner
 * ×, so it is the only button of that name); Escape closes it too. Closed, the secret leaves the page.
 */
export function SecretOnceModal({
  open,
  title,
  warning,
  fields,
  footer,
  onClose,
}: {
  open: boolean;
  title: string;
  warning: string;
  fields: readonly SecretField[];
  footer?: ReactNode;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      open={open}
      title={title}
      onOk={onClose}
      onCancel={onClose}
      okText={t('common.close')}
      closable={false}
      destroyOnHidden
      cancelButtonProps={{ style: { display: 'none' } }}
    >
      <Alert type="warning" showIcon message={warning} style={{ marginBottom: 16 }} />
      <Descriptions column={1} bordered size="small">
        {fields.map((field) => (
          <Descriptions.Item key={field.testId} label={field.label}>
            <Typography.Text code data-testid={field.testId}>
              {field.value}
            </Typography.Text>{' '}
            <CopyButton text={field.value} label={field.copyLabel} />
          </Descriptions.Item>
        ))}
      </Descriptions>
      {footer}
    </Modal>
  );
}
