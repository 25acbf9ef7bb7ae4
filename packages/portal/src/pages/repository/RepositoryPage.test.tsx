import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { RepositoryPage } from './RepositoryPage';

const DIGEST = `sha256:${'0123456789ab'.repeat(5)}abcd`;
const INDEX_DIGEST = `sha256:${'fedcba987654'.repeat(5)}abcd`;

const ARTIFACTS = [
  {
    digest: DIGEST,
    type: 'IMAGE',
    manifest_media_type: 'application/vnd.oci.image.manifest.v1+json',
    media_type: 'application/vnd.oci.image.config.v1+json',
    size: 3 * 1024 * 1024,
    push_time: '2024-05-01T10:00:00Z',
    pull_time: '0001-01-01T00:00:00Z',
    extra_attrs: { os: 'linux', architecture: 'amd64' },
    tags: [{ name: 'v1' }, { name: 'latest' }],
  },
  {
    digest: INDEX_DIGEST,
    type: 'IMAGE',
    manifest_media_type: 'application/vnd.oci.image.index.v1+json',
    size: 1024,
    references: [
      { child_digest: DIGEST, platform: { os: 'linux', architecture: 'amd64' } },
      { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ],
    tags: [],
  },
];

describe('the repository page', () => {
  it('renders the description as Markdown without raw HTML, and the artifacts of one server page', async () => {
    const received = fakeApi({
      'GET /api/v2.0/systeminfo': { json: { registry_url: 'reg.example:5000' } },
      'GET /api/v2.0/projects/library/repositories/a%252Fb': {
        json: { name: 'library/a/b', description: '# Hello\n\n**bold** and <b>raw</b>\n\n<script>alert(1)</script>' },
      },
      'GET /api/v2.0/projects/library/repositories/a%252Fb/artifacts': {
        json: ARTIFACTS,
        headers: { 'X-Total-Count': '10000' },
      },
    });
    const { container } = renderPage(<RepositoryPage />, {
      route: '/repositories/library/a/b',
      path: '/repositories/*',
    });
    expect(await screen.findByRole('heading', { name: 'Hello' })).toBeInTheDocument();
    expect(screen.getByText('bold').tagName).toBe('STRONG');
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('b')).toBeNull();

    const image = (await screen.findByText('v1')).closest('tr');
    expect(image).not.toBeNull();
    const row = within(image as HTMLElement);
    expect(row.getByRole('img', { name: 'Image' })).toBeInTheDocument();
    expect(row.getByText('latest')).toBeInTheDocument();
    expect(row.getByText('linux/amd64')).toBeInTheDocument();
    expect(row.getByText('3.00 MiB')).toBeInTheDocument();
    expect(row.getByText('Never')).toBeInTheDocument();
    expect(row.getByRole('button', { name: 'Copy the pull command for v1' })).toBeInTheDocument();

    const index = screen.getByText('sha256:fedcba987654').closest('tr');
    expect(within(index as HTMLElement).getByRole('img', { name: 'Image index' })).toBeInTheDocument();
    expect(within(index as HTMLElement).getByText('linux/arm64/v8')).toBeInTheDocument();
    expect(within(index as HTMLElement).getByText('Untagged')).toBeInTheDocument();

    // 10,000 artifacts: one page asked for, newest first, and the pager knows the total.
    const list = received.find((r) => r.url.pathname.endsWith('/artifacts'));
    expect(Object.fromEntries(list?.url.searchParams ?? [])).toMatchObject({
      page: '1',
      page_size: '25',
      sort: '-push_time',
      with_tag: 'true',
    });
    await waitFor(() => expect(screen.getByTitle('400')).toBeInTheDocument());
  });
});
