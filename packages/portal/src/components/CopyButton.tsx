import { CheckOutlined, CopyOutlined } from '@ant-design/icons';
import { Button, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFeedback } from '../hooks/use-feedback';
import { copyText } from '../lib/clipboard';

/** Copies `text` to the clipboard; `label` names what is copied for screen readers and the tooltip. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const [copied, setCopied] = useState(false);
  const copy = () =>
    copyText(text).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      },
      (error: unknown) => feedback.failure(error),
    );
  return (
    <Tooltip title={copied ? t('common.copied') : label}>
      <Button
        size="small"
        type="text"
        aria-label={label}
        icon={copied ? <CheckOutlined /> : <CopyOutlined />}
        onClick={() => void copy()}
      />
    </Tooltip>
  );
}
