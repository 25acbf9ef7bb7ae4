import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi, type FakeResponse } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { ArtifactPage } from './ArtifactPage';

const hex = (c: string) => c.repeat(64);
const DIGEST = `sha256:${hex('a')}`;
const CONFIG = `sha256:${hex('c')}`;
const LAYER1 = `sha256:${hex('1')}`;
const LAYER2 = `sha256:${hex('2')}`;
const SIGNATURE = `sha256:${hex('5')}`;
const INDEX = `sha256:${hex('d')}`;
const AMD64 = `sha256:${hex('e')}`;
const ARM64 = `sha256:${hex('f')}`;

const API = '/api/v2.0/projects/library/repositories/app/artifacts';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const LAYER_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';

// The manifest as stored: compact, fields in the pusher's order.
const MANIFEST_RAW = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: CONFIG, size: 1500 },
  layers: [
    { mediaType: LAYER_TYPE, digest: LAYER1, size: 2 * 1024 * 1024 },
    { mediaType: LAYER_TYPE, digest: LAYER2, size: 512 },
  ],
});

const IMAGE_CONFIG = {
  architecture: 'amd64',
  os: 'linux',
  created: '2024-04-01T12:00:00Z',
  config: { Env: ['PATH=/usr/bin'], Entrypoint: ['/app'] },
  history: [
    { created: '2024-04-01T11:00:00Z', created_by: '/bin/sh -c #(nop) ADD file:abc in /' },
    { created: '2024-04-01T11:30:00Z', created_by: 'ENV PORT=8080', empty_layer: true },
    { created: '2024-04-01T12:00:00Z', created_by: 'COPY app /app # buildkit' },
  ],
};

const IMAGE = {
  id: 1,
  digest: DIGEST,
  type: 'IMAGE',
  manifest_media_type: OCI_MANIFEST,
  media_type: 'application/vnd.oci.image.config.v1+json',
  size: 2 * 1024 * 1024 + 512 + 1500 + MANIFEST_RAW.length,
  push_time: '2024-05-01T10:00:00Z',
  pull_time: '0001-01-01T00:00:00Z',
  extra_attrs: {
    architecture: 'amd64',
    os: 'linux',
    created: '2024-04-01T12:00:00Z',
    author: 'Wharf Team',
    config: {
      Env: ['PATH=/usr/bin', 'PORT=8080'],
      Entrypoint: ['/app', '--serve'],
      Cmd: ['--port', '8080'],
      WorkingDir: '/srv',
      User: 'app',
      ExposedPorts: { '8080/tcp': {} },
      Labels: { 'org.opencontainers.image.source': 'https://example.com/app' },
    },
  },
  tags: [{ name: 'v1' }, { name: 'latest' }],
  accessories: [
    {
      id: 2,
      artifact_id: 2,
      subject_artifact_digest: DIGEST,
      digest: SIGNATURE,
      type: 'signature.cosign',
      size: 700,
      creation_time: '2024-05-02T10:00:00Z',
    },
  ],
};

function imageApi(extra: Record<string, FakeResponse> = {}) {
  return fakeApi({
    'GET /api/v2.0/systeminfo': { json: { registry_url: 'reg.example:5000' } },
    [`GET ${API}/${encodeURIComponent(DIGEST)}`]: { json: IMAGE },
    [`GET /v2/library/app/manifests/${encodeURIComponent(DIGEST)}`]: {
      text: MANIFEST_RAW,
      headers: { 'Content-Type': OCI_MANIFEST },
    },
    [`GET /v2/library/app/blobs/${encodeURIComponent(CONFIG)}`]: { json: IMAGE_CONFIG },
    ...extra,
  });
}

function renderArtifact(reference = `@${DIGEST}`) {
  return renderPage(<ArtifactPage />, { route: `/artifacts/library/app${reference}`, path: '/artifacts/*' });
}

describe('the artifact page of an image', () => {
  it('shows the overview: digest, pull command, tags, kind, size, platform', async () => {
    const received = imageApi();
    renderArtifact();
    expect(await screen.findByRole('heading', { level: 2 })).toHaveTextContent('library/app@sha256:aaaaaaaaaaaa');
    expect(screen.getByRole('img', { name: 'Image' })).toBeInTheDocument();
    expect(await screen.findByText(`docker pull reg.example:5000/library/app@${DIGEST}`)).toBeInTheDocument();
    expect(screen.getByText('v1')).toBeInTheDocument();
    expect(screen.getByText('latest')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy the pull command for latest' })).toBeInTheDocument();
    expect(screen.getByText('linux/amd64')).toBeInTheDocument();
    expect(screen.getByText('2.00 MiB')).toBeInTheDocument();
    expect(screen.getByText('Never')).toBeInTheDocument(); // never pulled
    // An image has layers, history and configuration, and no platforms.
    expect(screen.getAllByRole('tab').map((tab) => tab.textContent)).toEqual([
      'Overview',
      'Layers',
      'Build history',
      'Configuration',
      'Referrers',
      'Manifest',
    ]);
    const artifact = received.find((r) => r.url.pathname.startsWith(API));
    expect(Object.fromEntries(artifact?.url.searchParams ?? [])).toEqual({ with_tag: 'true', with_accessory: 'true' });
    // The manifest is read from the registry API with the session cookie, asking for OCI and Docker types.
    const manifest = received.find((r) => r.url.pathname.startsWith('/v2/'));
    expect(manifest?.headers.get('Accept')).toContain(OCI_MANIFEST);
    expect(manifest?.headers.get('Accept')).toContain(OCI_INDEX);
  });

  it('opens an artifact by tag', async () => {
    const received = fakeApi({
      [`GET ${API}/v1`]: { json: IMAGE },
      [`GET /v2/library/app/manifests/${encodeURIComponent(DIGEST)}`]: { text: MANIFEST_RAW },
    });
    renderArtifact(':v1');
    expect(await screen.findByRole('heading', { level: 2 })).toHaveTextContent('library/app@sha256:aaaaaaaaaaaa');
    // The manifest is then read by the digest the API resolved, not by the tag that may move.
    await waitFor(() => expect(received.some((r) => r.url.pathname.includes('/manifests/'))).toBe(true));
    expect(received.filter((r) => r.url.pathname.includes('/manifests/v1'))).toEqual([]);
  });

  it('lists the layers from the manifest, with their total', async () => {
    imageApi();
    renderArtifact();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Layers' }));
    const layers = await screen.findByTestId('layers');
    const first = (await within(layers).findByText(LAYER1)).closest('tr') as HTMLElement;
    expect(within(first).getByText('1')).toBeInTheDocument();
    expect(within(first).getByText('2.00 MiB')).toBeInTheDocument();
    expect(within(first).getByText(LAYER_TYPE)).toBeInTheDocument();
    const second = within(layers).getByText(LAYER2).closest('tr') as HTMLElement;
    expect(within(second).getByText('512 B')).toBeInTheDocument();
    expect(within(layers).getByText('2 layers, 2.00 MiB in all')).toBeInTheDocument();
  });

  it("shows the build history from the image's config blob", async () => {
    const received = imageApi();
    renderArtifact();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Build history' }));
    const add = (await screen.findByText('/bin/sh -c #(nop) ADD file:abc in /')).closest('tr') as HTMLElement;
    expect(within(add).getByText('1')).toBeInTheDocument();
    const env = screen.getByText('ENV PORT=8080').closest('tr') as HTMLElement;
    expect(within(env).getByText('no layer')).toBeInTheDocument();
    const copy = screen.getByText('COPY app /app # buildkit').closest('tr') as HTMLElement;
    expect(within(copy).getByText('3')).toBeInTheDocument();
    expect(within(copy).queryByText('no layer')).not.toBeInTheDocument();
    expect(received.some((r) => r.url.pathname === `/v2/library/app/blobs/${encodeURIComponent(CONFIG)}`)).toBe(true);
  });

  it('shows the runtime configuration: environment, entrypoint, command, ports, labels', async () => {
    imageApi();
    renderArtifact();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Configuration' }));
    const details = await screen.findByTestId('config-details');
    const row = (label: string) => within(details).getByText(label).closest('tr') as HTMLElement;
    expect(within(row('Environment')).getByText('PATH=/usr/bin')).toBeInTheDocument();
    expect(within(row('Environment')).getByText('PORT=8080')).toBeInTheDocument();
    expect(within(row('Entrypoint')).getByText('/app')).toBeInTheDocument();
    expect(within(row('Entrypoint')).getByText('--serve')).toBeInTheDocument();
    expect(within(row('Command')).getByText('--port')).toBeInTheDocument();
    expect(row('Working directory')).toHaveTextContent('/srv');
    expect(row('User')).toHaveTextContent('app');
    expect(row('Author')).toHaveTextContent('Wharf Team');
    expect(within(row('Exposed ports')).getByText('8080/tcp')).toBeInTheDocument();
    expect(
      within(row('Labels')).getByText('org.opencontainers.image.source=https://example.com/app'),
    ).toBeInTheDocument();
  });

  it('lists the referrers (signatures, SBOMs) reported with the artifact', async () => {
    imageApi();
    renderArtifact();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Referrers' }));
    const link = await screen.findByRole('link', { name: SIGNATURE });
    expect(link).toHaveAttribute('href', `/artifacts/library/app@${SIGNATURE}`);
    const row = link.closest('tr') as HTMLElement;
    expect(within(row).getByText('signature.cosign')).toBeInTheDocument();
    expect(within(row).getByText('700 B')).toBeInTheDocument();
  });

  it('says when nothing refers to the artifact', async () => {
    imageApi({ [`GET ${API}/${encodeURIComponent(DIGEST)}`]: { json: { ...IMAGE, accessories: [] } } });
    renderArtifact();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Referrers' }));
    expect(await screen.findByText('No signatures, SBOMs or other attachments')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows the raw manifest indented, and copies it byte for byte', async () => {
    imageApi();
    vi.stubGlobal('isSecureContext', true);
    renderArtifact();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Manifest' }));
    const raw = await screen.findByTestId('raw-manifest');
    expect(raw.textContent).toBe(JSON.stringify(JSON.parse(MANIFEST_RAW), null, 2));
    await user.click(screen.getByRole('button', { name: 'Copy the manifest' }));
    expect(await navigator.clipboard.readText()).toBe(MANIFEST_RAW);
  });

  it("shows the API's error when the artifact does not exist", async () => {
    fakeApi({});
    renderArtifact();
    expect(await screen.findByRole('alert')).toHaveTextContent('Not found');
    expect(screen.getByRole('link', { name: 'app' })).toHaveAttribute('href', '/repositories/library/app');
  });
});

describe('the artifact page of an index', () => {
  const INDEX_RAW = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      { mediaType: OCI_MANIFEST, digest: AMD64, size: 1234, platform: { os: 'linux', architecture: 'amd64' } },
      {
        mediaType: OCI_MANIFEST,
        digest: ARM64,
        size: 1300,
        platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      },
    ],
  });
  const ARTIFACT = {
    id: 5,
    digest: INDEX,
    type: 'IMAGE',
    manifest_media_type: OCI_INDEX,
    size: 5000,
    extra_attrs: {},
    references: [
      { parent_id: 5, child_digest: AMD64, platform: { os: 'linux', architecture: 'amd64' } },
      { parent_id: 5, child_digest: ARM64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ],
    tags: [],
    accessories: [],
  };

  it('lists its platforms, each linking to its image, and has no layers', async () => {
    fakeApi({
      [`GET ${API}/${encodeURIComponent(INDEX)}`]: { json: ARTIFACT },
      [`GET /v2/library/app/manifests/${encodeURIComponent(INDEX)}`]: { text: INDEX_RAW },
    });
    renderArtifact(`@${INDEX}`);
    expect(await screen.findByRole('img', { name: 'Image index' })).toBeInTheDocument();
    expect(screen.getByText('Untagged')).toBeInTheDocument();
    expect(screen.getByText('linux/amd64, linux/arm64/v8')).toBeInTheDocument();
    expect(screen.getAllByRole('tab').map((tab) => tab.textContent)).toEqual([
      'Overview',
      'Platforms',
      'Referrers',
      'Manifest',
    ]);
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Platforms' }));
    const arm = (await screen.findByText('linux/arm64/v8')).closest('tr') as HTMLElement;
    expect(within(arm).getByRole('link', { name: ARM64 })).toHaveAttribute('href', `/artifacts/library/app@${ARM64}`);
    expect(within(arm).getByText('1.27 KiB')).toBeInTheDocument();
    expect(within(arm).getByText(OCI_MANIFEST)).toBeInTheDocument();
    const amd = screen.getByText('linux/amd64').closest('tr') as HTMLElement;
    expect(within(amd).getByRole('link', { name: AMD64 })).toBeInTheDocument();
  });
});
