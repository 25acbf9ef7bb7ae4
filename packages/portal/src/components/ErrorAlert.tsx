import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText } from '../lib/error-text';

/** An API error shown in place: what went wrong in the user's language, and the server's message. */
export function ErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const { title, detail } = errorText(t, error);
  return <Alert type="error" showIcon role="alert" message={title} description={detail} style={{ marginBottom: 16 }} />;
}
