import { describe, expect, it } from 'vitest';
import { artifactKind } from './artifact-kind';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

describe('artifactKind', () => {
  it('recognises images, indexes and Helm charts', () => {
    expect(artifactKind({ type: 'IMAGE', manifest_media_type: OCI_MANIFEST })).toBe('image');
    expect(
      artifactKind({ manifest_media_type: OCI_MANIFEST, media_type: 'application/vnd.docker.container.image.v1+json' }),
    ).toBe('image');
    expect(artifactKind({ type: 'IMAGE', manifest_media_type: 'application/vnd.oci.image.index.v1+json' })).toBe(
      'index',
    );
    expect(artifactKind({ manifest_media_type: 'application/vnd.docker.distribution.manifest.list.v2+json' })).toBe(
      'index',
    );
    expect(artifactKind({ type: 'CHART' })).toBe('chart');
    expect(artifactKind({ media_type: 'application/vnd.cncf.helm.config.v1+json' })).toBe('chart');
  });

  it('recognises signatures and SBOMs by their artifact or config type', () => {
    expect(artifactKind({ type: 'IMAGE', media_type: 'application/vnd.dev.cosign.simplesigning.v1+json' })).toBe(
      'signature',
    );
    expect(artifactKind({ artifact_type: 'application/vnd.cncf.notary.signature' })).toBe('signature');
    expect(artifactKind({ artifact_type: 'application/vnd.example.sbom.v1' })).toBe('sbom');
    expect(artifactKind({ artifact_type: 'application/spdx+json' })).toBe('sbom');
    expect(artifactKind({ media_type: 'application/vnd.cyclonedx+json' })).toBe('sbom');
  });

  it('calls everything else other', () => {
    expect(artifactKind({ type: 'UNKNOWN', artifact_type: 'application/vnd.example.thing' })).toBe('other');
    expect(artifactKind({})).toBe('other');
  });
});
