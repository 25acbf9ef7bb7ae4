import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { ProjectPage } from '../project/ProjectPage';
import { ProjectsPage } from '../projects/ProjectsPage';

const MiB = 1024 * 1024;

describe('the storage of a project', () => {
  it('is a bar against the limit in the projects list, read from each project’s summary', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects': {
        json: [
          { project_id: 1, name: 'library', metadata: { public: 'true' }, repo_count: 1 },
          { project_id: 2, name: 'full', metadata: { public: 'false' }, repo_count: 1 },
        ],
      },
      'GET /api/v2.0/projects/library/summary': {
        json: { repo_count: 1, quota: { hard: { storage: -1 }, used: { storage: 2 * MiB } } },
      },
      'GET /api/v2.0/projects/full/summary': {
        json: { repo_count: 1, quota: { hard: { storage: 100 * MiB }, used: { storage: 100 * MiB } } },
      },
    });
    renderPage(<ProjectsPage />, { route: '/projects', path: '/projects' });
    expect(await screen.findByRole('columnheader', { name: 'Storage' })).toBeInTheDocument();
    const library = (await screen.findByRole('link', { name: 'library' })).closest('tr') as HTMLElement;
    expect(await within(library).findByText('2.00 MiB used, no limit')).toBeInTheDocument();
    const full = screen.getByRole('link', { name: 'full' }).closest('tr') as HTMLElement;
    expect(await within(full).findByText('100 MiB of 100 MiB · limit reached')).toBeInTheDocument();
    expect(within(full).getByRole('progressbar', { name: 'Storage used by full' })).toHaveAttribute(
      'aria-valuenow',
      '100',
    );
    expect(received.find((r) => r.url.pathname.endsWith('/full/summary'))?.headers.get('X-Is-Resource-Name')).toBe(
      'true',
    );
  });

  it('is shown on the project page under its name, and not when the summary has no quota', async () => {
    fakeApi({
      'GET /api/v2.0/projects/library': { json: { project_id: 7, name: 'library', metadata: { public: 'false' } } },
      'GET /api/v2.0/projects/library/repositories': { json: [] },
      'GET /api/v2.0/projects/library/summary': {
        json: { repo_count: 0, quota: { hard: { storage: 10 * MiB }, used: { storage: 9 * MiB } } },
      },
    });
    const view = renderPage(<ProjectPage />, { route: '/projects/library', path: '/projects/:project/:tab?' });
    expect(await screen.findByText('9.00 MiB of 10.0 MiB · near the limit')).toBeInTheDocument();
    view.unmount();

    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: { project_id: 7, name: 'library', metadata: { public: 'true' } } },
      'GET /api/v2.0/projects/library/repositories': { json: [] },
      'GET /api/v2.0/projects/library/summary': { json: { repo_count: 0 } },
    });
    renderPage(<ProjectPage />, { route: '/projects/library', path: '/projects/:project/:tab?' });
    expect(await screen.findByRole('tab', { name: 'Repositories', selected: true })).toBeInTheDocument();
    await waitFor(() => expect(received.some((r) => r.url.pathname.endsWith('/library/summary'))).toBe(true));
    expect(screen.queryByTestId('quota-usage')).not.toBeInTheDocument();
  });
});
