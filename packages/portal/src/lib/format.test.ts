import { describe, expect, it } from 'vitest';
import { artifactRoute, parseArtifactRoute, projectOf } from './artifact-route';
import { formatBytes } from './bytes';
import { shortDigest } from './digest';
import { platformsOf } from './platforms';
import { pullCommand } from './pull-command';
import { safeRedirect } from './safe-redirect';
import { formatTime, isZeroTime } from './time';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('formatting', () => {
  it('formats sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(52_428_800)).toBe('50.0 MiB');
    expect(formatBytes(undefined)).toBe('-');
  });

  it('shortens digests as docker does', () => {
    expect(shortDigest(DIGEST)).toBe('sha256:abababababab');
    expect(shortDigest(undefined)).toBe('');
  });

  it('treats Go zero times as never', () => {
    expect(isZeroTime('0001-01-01T00:00:00Z')).toBe(true);
    expect(formatTime('0001-01-01T00:00:00Z', 'en')).toBeUndefined();
    expect(formatTime('2024-05-01T10:00:00Z', 'en')).toMatch(/2024/);
  });

  it('lists platforms of an index from its references and of an image from its config', () => {
    expect(
      platformsOf({
        references: [
          { platform: { os: 'linux', architecture: 'amd64' } },
          { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      }),
    ).toEqual(['linux/amd64', 'linux/arm64/v8']);
    expect(platformsOf({ extra_attrs: { os: 'linux', architecture: 'amd64' } })).toEqual(['linux/amd64']);
    expect(platformsOf({})).toEqual([]);
  });
});

describe('pull commands', () => {
  it('pull by tag and by digest', () => {
    expect(pullCommand('image', 'reg:5000', 'library/alpine', '3.20')).toBe('docker pull reg:5000/library/alpine:3.20');
    expect(pullCommand('index', 'reg:5000', 'library/alpine', DIGEST)).toBe(
      `docker pull reg:5000/library/alpine@${DIGEST}`,
    );
    expect(pullCommand('chart', 'reg', 'charts/nginx', '1.0.0')).toBe(
      'helm pull oci://reg/charts/nginx --version 1.0.0',
    );
  });
});

describe('portal routes of artifacts', () => {
  it('round-trip repository names with slashes, digests and tags', () => {
    expect(parseArtifactRoute(artifactRoute('library/a/b', DIGEST).slice('/artifacts/'.length))).toEqual({
      repository: 'library/a/b',
      reference: DIGEST,
    });
    expect(parseArtifactRoute('library/alpine:3.20')).toEqual({ repository: 'library/alpine', reference: '3.20' });
    expect(parseArtifactRoute('library/alpine')).toBeUndefined();
    expect(projectOf('library/a/b')).toBe('library');
  });

  it('redirect only inside the portal after sign-in', () => {
    expect(safeRedirect('/projects/x')).toBe('/projects/x');
    expect(safeRedirect('//evil.example')).toBe('/projects');
    expect(safeRedirect('https://evil.example')).toBe('/projects');
    expect(safeRedirect(null)).toBe('/projects');
  });
});
