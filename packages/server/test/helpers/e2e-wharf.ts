// Set-up and checks shared by the end-to-end tests of real clients (docker, buildah, ctr) against a Wharf process:
// projects, users and robots created through /api/v2.0 as the administrator, and what Wharf holds afterwards, read
// back through /v2 and /api/v2.0.
import { expect } from 'vitest';
import type { Credentials } from './api-client.js';
import { ADMIN_AUTH, getManifest } from './oci-client.js';
import type { ImageManifest } from './oci-images.js';
import type { RunningRegistry } from './registry-process.js';

/** A request to /api/v2.0 as the administrator that must succeed (2xx). */
export async function adminApi(
  registry: RunningRegistry,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  const res = await fetch(`${registry.url}/api/v2.0${path}`, {
    method,
    headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res;
}

export async function createProject(registry: RunningRegistry, name: string, isPublic: boolean): Promise<void> {
  await adminApi(registry, 'POST', '/projects', {
    project_name: name,
    metadata: { public: isPublic ? 'true' : 'false' },
  });
}

/** Harbor's project roles by id. */
export const ROLE = { projectAdmin: 1, developer: 2, guest: 3, maintainer: 4 } as const;

/** Creates a user and, with `project`, makes it a member with `role`. */
export async function createMember(
  registry: RunningRegistry,
  user: Credentials,
  project?: { name: string; role: number },
): Promise<void> {
  await adminApi(registry, 'POST', '/users', {
    ...user,
    email: `${user.username}@example.com`,
    realname: user.username,
  });
  if (project) {
    await adminApi(registry, 'POST', `/projects/${project.name}/members`, {
      role_id: project.role,
      member_user: { username: user.username },
    });
  }
}

/** A project robot (`robot$<project>+<name>`) with pull and push on the project's repositories. */
export async function createPushRobot(registry: RunningRegistry, project: string, name: string): Promise<Credentials> {
  const res = await adminApi(registry, 'POST', '/robots', {
    name,
    level: 'project',
    duration: -1,
    permissions: [
      {
        kind: 'project',
        namespace: project,
        access: [
          { resource: 'repository', action: 'pull' },
          { resource: 'repository', action: 'push' },
        ],
      },
    ],
  });
  const created = (await res.json()) as { name: string; secret: string };
  expect(created.name).toBe(`robot$${project}+${name}`);
  return { username: created.name, password: created.secret };
}

export interface StoredImage {
  /** The manifest's digest (computed from the bytes and the Docker-Content-Digest header agree). */
  readonly digest: string;
  readonly mediaType: string;
  readonly manifest: ImageManifest;
}

/** The manifest Wharf serves for `repo:reference` on /v2, read as the administrator. */
export async function storedImage(registry: RunningRegistry, repo: string, reference: string): Promise<StoredImage> {
  const fetched = await getManifest(registry.url, repo, reference);
  expect(fetched.headerDigest).toBe(fetched.digest);
  return {
    digest: fetched.digest,
    mediaType: fetched.mediaType,
    manifest: JSON.parse(fetched.body.toString('utf8')) as ImageManifest,
  };
}

interface ArtifactView {
  digest: string;
  tags: { name: string }[] | null;
}

/** The artifacts /api/v2.0 lists for `project/repository` (the repository name may contain slashes). */
export async function listedArtifacts(
  registry: RunningRegistry,
  project: string,
  repository: string,
): Promise<{ digest: string; tags: string[] }[]> {
  const path = `/projects/${project}/repositories/${encodeURIComponent(encodeURIComponent(repository))}/artifacts`;
  const res = await adminApi(registry, 'GET', `${path}?with_tag=true&page_size=100`);
  const artifacts = (await res.json()) as ArtifactView[];
  return artifacts.map((a) => ({ digest: a.digest, tags: (a.tags ?? []).map((t) => t.name).sort() }));
}
