import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText } from '../lib/error-text';

/** Toasts for the outcome of an action: a success text, or the API's error. */
export function useFeedback() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  return {
    success: (text: string) => void message.success(text),
    failure: (error: unknown) => {
      const { title, detail } = errorText(t, error);
      void message.error(detail ? `${title}: ${detail}` : title);
    },
  };
}
