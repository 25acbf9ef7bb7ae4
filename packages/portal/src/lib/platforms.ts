import type { Artifact } from '../api/models';
import { imageConfigOf } from './image-config';

interface PlatformLike {
  os?: string | undefined;
  architecture?: string | undefined;
  variant?: string | undefined;
}

/** `linux/arm64/v8`, as docker and podman write a platform. */
export function platformText(platform: PlatformLike): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * The platforms an artifact runs on: each child of an index, or the image's own (its config's `os` and
 * `architecture`, which Harbor reports in `extra_attrs`).
 */
export function platformsOf(
  artifact: Partial<Pick<Artifact, 'extra_attrs'>> & { readonly references?: readonly { platform?: PlatformLike }[] },
): string[] {
  const children = (artifact.references ?? []).flatMap((ref) => (ref.platform ? [platformText(ref.platform)] : []));
  if (children.length > 0) return children.filter((p) => p !== '');
  const own = platformText(imageConfigOf(artifact) ?? {});
  return own === '' ? [] : [own];
}
