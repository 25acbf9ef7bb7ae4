import { describe, expect, it } from 'vitest';
import { artifactMediaTypeOf, artifactTypeOf } from './artifact-type.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

describe('artifactMediaTypeOf', () => {
  it("is the config's media type for image manifests", () => {
    expect(artifactMediaTypeOf(OCI_MANIFEST, 'application/vnd.cncf.helm.config.v1+json')).toBe(
      'application/vnd.cncf.helm.config.v1+json',
    );
    expect(artifactMediaTypeOf(OCI_MANIFEST, undefined)).toBe(OCI_MANIFEST);
  });

  it("is an index's own media type, unless its annotations declare an artifact type", () => {
    expect(artifactMediaTypeOf(OCI_INDEX, undefined)).toBe(OCI_INDEX);
    expect(artifactMediaTypeOf(DOCKER_LIST, undefined, { other: 'x' })).toBe(DOCKER_LIST);
    const cnab = { 'org.opencontainers.artifactType': 'application/vnd.cnab.manifest.v1' };
    expect(artifactMediaTypeOf(OCI_INDEX, undefined, cnab)).toBe('application/vnd.cnab.manifest.v1');
    expect(artifactMediaTypeOf(OCI_INDEX, undefined, { 'org.opencontainers.artifactType': '' })).toBe(OCI_INDEX);
  });
});

describe('artifactTypeOf', () => {
  it.each([
    ['application/vnd.oci.image.config.v1+json', 'IMAGE'],
    ['application/vnd.docker.container.image.v1+json', 'IMAGE'],
    [OCI_INDEX, 'IMAGE'],
    [DOCKER_LIST, 'IMAGE'],
    ['application/vnd.docker.distribution.manifest.v1+prettyjws', 'IMAGE'],
    ['application/vnd.cncf.helm.config.v1+json', 'CHART'],
    ['application/vnd.cnab.manifest.v1', 'CNAB'],
    ['application/vnd.caicloud.model.config.v1alpha1+json', 'MODEL'],
    ['application/vnd.acme.rocket.engine.config.v2+json', 'ROCKET.ENGINE'],
    ['application/vnd.oci.empty.v1+json', 'UNKNOWN'],
    ['application/vnd.dev.cosign.simplesigning.v1+json', 'UNKNOWN'],
    ['text/plain', 'UNKNOWN'],
  ])('%s is %s', (mediaType, type) => {
    expect(artifactTypeOf(mediaType)).toBe(type);
  });
});
