import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { countOf, lastJson } from '../../test/admin-page';
import { fakeApi } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { RepositoryPage } from './RepositoryPage';

const DIGEST = `sha256:${'0123456789ab'.repeat(5)}abcd`;
const label = (id: number, name: string, scope: 'g' | 'p', color = '#0065ab') => ({
  id,
  name,
  color,
  description: '',
  scope,
  project_id: scope === 'p' ? 7 : 0,
  creation_time: '2026-01-01T00:00:00Z',
  update_time: '2026-01-01T00:00:00Z',
});
const ARTIFACT = {
  id: 1,
  project_id: 7,
  digest: DIGEST,
  type: 'IMAGE',
  manifest_media_type: 'application/vnd.oci.image.manifest.v1+json',
  size: 1024,
  push_time: '2024-05-01T10:00:00Z',
  pull_time: '0001-01-01T00:00:00Z',
  tags: [{ name: 'v1' }],
  labels: [label(1, 'prod', 'g', '#cf1322')],
};
const ARTIFACT_PATH = `/api/v2.0/projects/library/repositories/app/artifacts/${encodeURIComponent(DIGEST)}`;

describe("an artifact's labels", () => {
  it('are shown in the artifacts table, and attached or detached in a dialog', async () => {
    const received = fakeApi({
      'GET /api/v2.0/systeminfo': { json: {} },
      'GET /api/v2.0/projects/library/repositories/app': { json: { name: 'library/app' } },
      'GET /api/v2.0/projects/library/repositories/app/artifacts': { json: [ARTIFACT] },
      'GET /api/v2.0/labels': (req) => ({
        json: req.url.searchParams.get('scope') === 'g' ? [label(1, 'prod', 'g')] : [label(5, 'team', 'p')],
      }),
      [`POST ${ARTIFACT_PATH}/labels`]: { status: 200 },
      [`DELETE ${ARTIFACT_PATH}/labels/1`]: { status: 200 },
    });
    renderPage(<RepositoryPage />, { route: '/repositories/library/app', path: '/repositories/*' });
    const row = (await screen.findByText('v1')).closest('tr') as HTMLElement;
    expect(within(row).getByText('prod')).toHaveStyle({ color: '#ffffff' });
    const list = received.find((r) => r.url.pathname.endsWith('/artifacts'));
    expect(list?.url.searchParams.get('with_label')).toBe('true');

    const user = userEvent.setup();
    await user.click(within(row).getByRole('button', { name: /Labels$/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Labels of sha256:0123456789ab' });
    const project = received.find((r) => r.url.searchParams.get('scope') === 'p');
    await waitFor(() => expect(project?.url.searchParams.get('project_id')).toBe('7'));
    const select = within(dialog).getByRole('combobox', { name: /^Attach labels/ });
    await user.click(select);
    await user.click(await screen.findByText('team', { selector: '.ant-select-item-option-content' }));
    // prod is attached: choosing it again detaches it.
    await user.click(await screen.findByText('prod', { selector: '.ant-select-item-option-content' }));
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(await screen.findByText('Labels changed')).toBeInTheDocument();
    expect(lastJson(received, 'POST', `${ARTIFACT_PATH}/labels`)).toEqual({ id: 5 });
    expect(countOf(received, 'DELETE', `${ARTIFACT_PATH}/labels/1`)).toBe(1);
  });
});
