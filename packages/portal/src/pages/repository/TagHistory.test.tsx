import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { TagHistory } from './TagHistory';

const DIGEST = `sha256:${'0123456789ab'.repeat(5)}abcd`;
const OTHER = `sha256:${'fedcba987654'.repeat(5)}abcd`;
const BASE = '/api/v2.0/projects/library/repositories/app/taghistory';

const ENTRIES = [
  {
    id: 7,
    repository_name: 'library/app',
    tag: 'v1',
    digest: DIGEST,
    media_type: 'application/vnd.oci.image.manifest.v1+json',
    kind: 'tag.deleted',
    operator: 'alice',
    op_time: '2026-05-01T10:00:00Z',
    expire_time: '2026-05-08T10:00:00Z',
  },
  {
    id: 6,
    repository_name: 'library/app',
    tag: null,
    digest: OTHER,
    media_type: 'application/vnd.oci.image.index.v1+json',
    kind: 'artifact.deleted',
    operator: null,
    op_time: '2026-05-01T09:00:00Z',
    expire_time: '2026-05-08T09:00:00Z',
  },
];

function render(permissions: { resource: string; action: string }[]) {
  const received = fakeApi({
    [`GET ${BASE}`]: { json: ENTRIES, headers: { 'X-Total-Count': '2' } },
    'GET /api/v2.0/users/current/permissions': { json: permissions },
    [`POST ${BASE}/7/restore`]: { json: ENTRIES[0] },
  });
  renderPage(<TagHistory project="library" repository="library/app" projectId={1} />);
  return received;
}

describe('the tag history of a repository', () => {
  it('lists what happened, when, by whom and until when, and restores an entry after a confirmation', async () => {
    const received = render([
      { resource: 'repository', action: 'pull' },
      { resource: 'repository', action: 'push' },
    ]);
    const row = within((await screen.findByText('v1')).closest('tr') as HTMLElement);
    expect(row.getByText('sha256:0123456789ab')).toBeInTheDocument();
    expect(row.getByText('Tag deleted')).toBeInTheDocument();
    expect(row.getByText('alice')).toBeInTheDocument();
    const untagged = within(screen.getByText('sha256:fedcba987654').closest('tr') as HTMLElement);
    expect(untagged.getByText('Artifact deleted')).toBeInTheDocument();
    expect(untagged.getByText('Untagged')).toBeInTheDocument();
    expect(untagged.getByText('Unknown')).toBeInTheDocument();
    const permissions = received.find((r) => r.url.pathname.endsWith('/permissions'));
    expect(Object.fromEntries(permissions?.url.searchParams ?? [])).toEqual({ scope: '/project/1', relative: 'true' });

    const user = userEvent.setup();
    await user.click(await row.findByRole('button', { name: 'Restore v1' }));
    expect(await screen.findByText(/Point tag v1 at sha256:0123456789ab again/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Yes' }));
    await waitFor(() => expect(received.some((r) => r.method === 'POST')).toBe(true));
    expect(received.find((r) => r.method === 'POST')?.url.pathname).toBe(`${BASE}/7/restore`);
    expect(await screen.findByText('Tag v1 restored')).toBeInTheDocument();
  });

  it('offers no Restore button to those who may not push', async () => {
    const received = render([{ resource: 'repository', action: 'pull' }]);
    expect(await screen.findByText('v1')).toBeInTheDocument();
    await waitFor(() => expect(received.some((r) => r.url.pathname.endsWith('/permissions'))).toBe(true));
    expect(screen.queryByRole('button', { name: /Restore/ })).toBeNull();
    expect(screen.queryByRole('columnheader', { name: 'Actions' })).toBeNull();
  });
});
