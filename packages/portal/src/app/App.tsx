import { QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
// The ES modules: `antd/locale/*` are CommonJS re-exports whose default import the production bundle resolves to
// the module object, not the locale, and Ant Design silently falls back to English.
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter } from 'react-router';
import { routerBasename } from '../api/base-path';
import { AppRoutes } from './AppRoutes';
import { THEME } from './theme';
import { createQueryClient } from './query-client';

/** Providers: server state, Ant Design in the current language, routing. */
export function App() {
  const [queryClient] = useState(createQueryClient);
  const { i18n } = useTranslation();
  return (
    <QueryClientProvider client={queryClient}>
      <ConfigProvider locale={i18n.language === 'zh-CN' ? zhCN : enUS} theme={THEME}>
        <AntApp>
          <BrowserRouter basename={routerBasename()}>
            <AppRoutes />
          </BrowserRouter>
        </AntApp>
      </ConfigProvider>
    </QueryClientProvider>
  );
}
