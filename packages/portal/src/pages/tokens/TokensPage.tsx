import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../hooks/use-document-title';
import { TokensPanel } from './TokensPanel';

/** The signed-in user's personal access tokens (user menu → Personal access tokens). */
export function TokensPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('tokens.title'));
  return (
    <>
      <Typography.Title level={2}>{t('tokens.title')}</Typography.Title>
      <TokensPanel scope="mine" />
    </>
  );
}
