import { Button, Popconfirm, type ButtonProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A button whose action needs a second click in a confirmation (deleting, removing). */
export function ConfirmButton({
  question,
  onConfirm,
  children,
  ...button
}: { question: string; onConfirm: () => void; children: ReactNode } & Omit<ButtonProps, 'onClick'>) {
  const { t } = useTranslation();
  return (
    <Popconfirm title={question} okText={t('common.yes')} cancelText={t('common.no')} onConfirm={onConfirm}>
      <Button {...button}>{children}</Button>
    </Popconfirm>
  );
}
