/**
 * Harbor's accessory types: what a manifest with a subject is to the artifact it refers to. Harbor records the type
 * when the accessory is pushed, from its artifactType (or config media type); Wharf derives it the same way on read.
 */
export type AccessoryType = 'signature.cosign' | 'signature.notation' | 'harbor.sbom' | 'subject.accessory';

export const ACCESSORY_TYPES: readonly AccessoryType[] = [
  'signature.cosign',
  'signature.notation',
  'harbor.sbom',
  'subject.accessory',
];

const BY_MEDIA_TYPE: Readonly<Record<string, AccessoryType>> = {
  'application/vnd.dev.cosign.artifact.sig.v1+json': 'signature.cosign',
  'application/vnd.dev.cosign.simplesigning.v1+json': 'signature.cosign',
  'application/vnd.cncf.notary.signature': 'signature.notation',
  'application/vnd.goharbor.harbor.sbom.v1': 'harbor.sbom',
};

/** The type of an accessory with this artifactType and artifact media type; `subject.accessory` for any other. */
export function accessoryTypeOf(
  artifactType: string | undefined,
  artifactMediaType: string | undefined,
): AccessoryType {
  return (
    (artifactType !== undefined ? BY_MEDIA_TYPE[artifactType] : undefined) ??
    (artifactMediaType !== undefined ? BY_MEDIA_TYPE[artifactMediaType] : undefined) ??
    'subject.accessory'
  );
}
