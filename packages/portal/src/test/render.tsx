import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import { App as AntApp, ConfigProvider } from 'antd';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';

/**
 * Renders a page as the app does (query client without retries, Ant Design, router) at `route`, matched against
 * `path` so that the page sees its route parameters. Ant Design runs without motion: jsdom plays no CSS animation,
 * so a dialog would never finish opening (nor run what it does once open, such as focusing its first field).
 */
export function renderPage(ui: ReactElement, opts: { route?: string; path?: string } = {}): RenderResult {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <ConfigProvider theme={{ token: { motion: false } }}>
        <AntApp>
          <MemoryRouter initialEntries={[opts.route ?? '/']}>
            <Routes>
              <Route path={opts.path ?? '*'} element={ui} />
              {opts.path ? <Route path="*" element={<div data-testid="elsewhere" />} /> : null}
            </Routes>
          </MemoryRouter>
        </AntApp>
      </ConfigProvider>
    </QueryClientProvider>,
  );
}
