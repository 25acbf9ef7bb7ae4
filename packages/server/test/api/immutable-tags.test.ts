import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/domain/events.js';
import { ADMIN, api, basic, expectHarborError } from '../helpers/api-client.js';
import { pushImage } from '../helpers/artifact-content.js';
import { OCI_MANIFEST } from '../helpers/inject-client.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const reg = useTestRegistry();
const AUTH = { authorization: basic(ADMIN) };
let counter = 0;

/** A new private project, created through the API. */
async function project(): Promise<string> {
  const name = `imm${++counter}`;
  const res = await api(reg.app, 'POST', '/projects', ADMIN, { project_name: name, metadata: { public: 'false' } });
  expect(res.statusCode, res.body).toBe(201);
  return name;
}

interface RuleOptions {
  readonly repository?: string;
  readonly repositoryDecoration?: 'repoMatches' | 'repoExcludes';
  readonly tagDecoration?: 'matches' | 'excludes';
  readonly disabled?: boolean;
}

function ruleBody(tag: string, opts: RuleOptions = {}) {
  return {
    disabled: opts.disabled ?? false,
    action: 'immutable',
    template: 'immutable_template',
    tag_selectors: [{ kind: 'doublestar', decoration: opts.tagDecoration ?? 'matches', pattern: tag }],
    scope_selectors: {
      repository: [
        {
          kind: 'doublestar',
          decoration: opts.repositoryDecoration ?? 'repoMatches',
          pattern: opts.repository ?? '**',
        },
      ],
    },
  };
}

/** Creates a rule through the API; returns its id. */
async function rule(projectName: string, tag: string, opts: RuleOptions = {}): Promise<number> {
  const res = await api(reg.app, 'POST', `/projects/${projectName}/immutabletagrules`, ADMIN, ruleBody(tag, opts));
  expect(res.statusCode, res.body).toBe(201);
  return Number(/\/immutabletagrules\/(\d+)$/.exec(res.headers.location as string)?.[1]);
}

async function manifestOf(repository: string, digest: string): Promise<Buffer> {
  const res = await reg.app.inject({
    method: 'GET',
    url: `/v2/${repository}/manifests/${digest}`,
    headers: { ...AUTH, accept: OCI_MANIFEST },
  });
  expect(res.statusCode).toBe(200);
  return res.rawPayload;
}

/** PUT of the manifest `digest` (already in the repository) under `tag` over /v2. */
async function tagOver(repository: string, tag: string, digest: string): Promise<LightMyRequestResponse> {
  return reg.app.inject({
    method: 'PUT',
    url: `/v2/${repository}/manifests/${tag}`,
    payload: await manifestOf(repository, digest),
    headers: { ...AUTH, 'content-type': OCI_MANIFEST },
  });
}

function deleteOverV2(repository: string, reference: string): Promise<LightMyRequestResponse> {
  return reg.app.inject({ method: 'DELETE', url: `/v2/${repository}/manifests/${reference}`, headers: AUTH });
}

/** Asserts /v2's refusal of an immutable tag: 412 `DENIED` naming the tag (without the project) and the rule. */
function expectImmutableOnV2(res: LightMyRequestResponse, tag: string, ruleId: number): void {
  expect(res.statusCode, res.body).toBe(412);
  const body = res.json<{ errors: { code: string; message: string }[] }>();
  expect(body.errors[0]?.code).toBe('DENIED');
  expect(body.errors[0]?.message).toContain(`'${tag}' configured as immutable`);
  expect(body.errors[0]?.message).toContain(`rule ${ruleId}`);
}

async function tagsOf(projectName: string, repository: string, reference: string): Promise<string[]> {
  const res = await api(
    reg.app,
    'GET',
    `/projects/${projectName}/repositories/${repository}/artifacts/${reference}`,
    ADMIN,
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ tags: { name: string }[] }>().tags.map((t) => t.name);
}

describe('immutable tags on /v2', () => {
  it('refuses pushing another manifest over a protected tag, allows the same digest and new tags', async () => {
    const p = await project();
    const first = await pushImage(reg.app, `${p}/app`, 'v1');
    const other = await pushImage(reg.app, `${p}/app`, undefined);
    const id = await rule(p, 'v*');
    expectImmutableOnV2(await tagOver(`${p}/app`, 'v1', other.digest), 'app:v1', id);
    expect(await tagsOf(p, 'app', first.digest)).toEqual(['v1']);
    // Re-pushing the digest the tag already names changes nothing and is allowed.
    expect((await tagOver(`${p}/app`, 'v1', first.digest)).statusCode).toBe(201);
    // A new tag, even one the rule selects, may be created; then it is protected too.
    expect((await tagOver(`${p}/app`, 'v2', other.digest)).statusCode).toBe(201);
    expectImmutableOnV2(await tagOver(`${p}/app`, 'v2', first.digest), 'app:v2', id);
    // A tag the rule does not select moves freely.
    expect((await tagOver(`${p}/app`, 'latest', first.digest)).statusCode).toBe(201);
    expect((await tagOver(`${p}/app`, 'latest', other.digest)).statusCode).toBe(201);
  });

  it('refuses deleting a protected tag and the manifest carrying it, by tag or by digest', async () => {
    const p = await project();
    const image = await pushImage(reg.app, `${p}/app`, '1.0');
    const id = await rule(p, '1.*');
    expectImmutableOnV2(await deleteOverV2(`${p}/app`, '1.0'), 'app:1.0', id);
    expectImmutableOnV2(await deleteOverV2(`${p}/app`, image.digest), 'app:1.0', id);
    expect(await tagsOf(p, 'app', '1.0')).toEqual(['1.0']);
    // An untagged manifest and an unprotected tag are deleted as usual.
    const loose = await pushImage(reg.app, `${p}/app`, 'dev');
    expect((await deleteOverV2(`${p}/app`, 'dev')).statusCode).toBe(202);
    expect((await deleteOverV2(`${p}/app`, loose.digest)).statusCode).toBe(202);
  });

  it('a disabled rule protects nothing; enabling it protects again', async () => {
    const p = await project();
    const first = await pushImage(reg.app, `${p}/app`, 'v1');
    const other = await pushImage(reg.app, `${p}/app`, undefined);
    const id = await rule(p, '**', { disabled: true });
    expect((await tagOver(`${p}/app`, 'v1', other.digest)).statusCode).toBe(201);
    const enabled = await api(reg.app, 'PUT', `/projects/${p}/immutabletagrules/${id}`, ADMIN, {
      id,
      ...ruleBody('**', { disabled: false }),
    });
    expect(enabled.statusCode, enabled.body).toBe(200);
    expectImmutableOnV2(await tagOver(`${p}/app`, 'v1', first.digest), 'app:v1', id);
  });

  it('matches repositories without their project, with ** across slashes and {a,b} alternatives', async () => {
    const p = await project();
    const nested = await pushImage(reg.app, `${p}/team/api`, 'v1');
    const flat = await pushImage(reg.app, `${p}/web`, 'v1');
    const db = await pushImage(reg.app, `${p}/db`, 'v1');
    const id = await rule(p, 'v1', { repository: '{team/**,web}' });
    expectImmutableOnV2(await deleteOverV2(`${p}/team/api`, nested.digest), 'team/api:v1', id);
    expectImmutableOnV2(await deleteOverV2(`${p}/web`, flat.digest), 'web:v1', id);
    expect((await deleteOverV2(`${p}/db`, db.digest)).statusCode).toBe(202);
    // `*` does not cross a slash.
    const q = await project();
    const deep = await pushImage(reg.app, `${q}/a/b`, 'v1');
    const shallow = await pushImage(reg.app, `${q}/a`, 'v1');
    const star = await rule(q, 'v1', { repository: '*' });
    expect((await deleteOverV2(`${q}/a/b`, deep.digest)).statusCode).toBe(202);
    expectImmutableOnV2(await deleteOverV2(`${q}/a`, shallow.digest), 'a:v1', star);
  });

  it('honours excludes on tags and repositories', async () => {
    const p = await project();
    const dev = await pushImage(reg.app, `${p}/app`, 'dev-1');
    const rel = await pushImage(reg.app, `${p}/app`, 'rel-1');
    const scratch = await pushImage(reg.app, `${p}/scratch`, 'rel-1');
    const id = await rule(p, 'dev-*', {
      tagDecoration: 'excludes',
      repository: 'scratch',
      repositoryDecoration: 'repoExcludes',
    });
    expectImmutableOnV2(await deleteOverV2(`${p}/app`, rel.digest), 'app:rel-1', id);
    expect((await deleteOverV2(`${p}/app`, dev.digest)).statusCode).toBe(202);
    expect((await deleteOverV2(`${p}/scratch`, scratch.digest)).statusCode).toBe(202);
  });

  it('rules of one project do not reach another', async () => {
    const p = await project();
    const q = await project();
    await rule(p, '**');
    const image = await pushImage(reg.app, `${q}/app`, 'v1');
    expect((await deleteOverV2(`${q}/app`, image.digest)).statusCode).toBe(202);
  });
});

describe('immutable tags on the management API', () => {
  it('refuses deleting a protected tag, its artifact and its repository with 412 PRECONDITION', async () => {
    const p = await project();
    await pushImage(reg.app, `${p}/app`, 'v1');
    const id = await rule(p, 'v1');
    const base = `/projects/${p}/repositories/app`;
    for (const path of [`${base}/artifacts/v1/tags/v1`, `${base}/artifacts/v1`, base]) {
      const message = expectHarborError(await api(reg.app, 'DELETE', path, ADMIN), 412, 'PRECONDITION');
      expect(message).toBe(
        `Failed to process request due to 'app:v1' configured as immutable (immutable tag rule ${id}).`,
      );
    }
    expect(await tagsOf(p, 'app', 'v1')).toEqual(['v1']);
    // Adding another tag is allowed, even one a rule selects.
    const added = await api(reg.app, 'POST', `${base}/artifacts/v1/tags`, ADMIN, { name: 'v1-copy' });
    expect(added.statusCode, added.body).toBe(201);
    // Once the rule is gone, the repository can be deleted.
    expect((await api(reg.app, 'DELETE', `/projects/${p}/immutabletagrules/${id}`, ADMIN)).statusCode).toBe(200);
    expect((await api(reg.app, 'DELETE', base, ADMIN)).statusCode).toBe(200);
  });
});

describe('immutable status of tags', () => {
  it('artifacts and tag lists show immutable with with_immutable_status=true only', async () => {
    const p = await project();
    await pushImage(reg.app, `${p}/app`, 'v1');
    const added = await api(reg.app, 'POST', `/projects/${p}/repositories/app/artifacts/v1/tags`, ADMIN, {
      name: 'dev',
    });
    expect(added.statusCode).toBe(201);
    await rule(p, 'v*');
    const base = `/projects/${p}/repositories/app/artifacts`;
    type Tags = { tags: { name: string; immutable: boolean }[] };
    const statusOf = (tags: { name: string; immutable: boolean }[]) =>
      Object.fromEntries(tags.map((t) => [t.name, t.immutable]));
    const withStatus = await api(reg.app, 'GET', `${base}/v1?with_immutable_status=true`, ADMIN);
    expect(statusOf(withStatus.json<Tags>().tags)).toEqual({ v1: true, dev: false });
    const listed = await api(reg.app, 'GET', `${base}?with_immutable_status=true`, ADMIN);
    expect(statusOf(listed.json<Tags[]>()[0]!.tags)).toEqual({ v1: true, dev: false });
    const without = await api(reg.app, 'GET', `${base}/v1`, ADMIN);
    expect(statusOf(without.json<Tags>().tags)).toEqual({ v1: false, dev: false });
    const tags = await api(reg.app, 'GET', `${base}/v1/tags?with_immutable_status=true`, ADMIN);
    expect(statusOf(tags.json<{ name: string; immutable: boolean }[]>())).toEqual({ v1: true, dev: false });
  });
});

describe('the immutable tag rules API', () => {
  it('creates, lists in Harbor’s shape, updates and deletes rules, recording their events', async () => {
    const p = await project();
    const seen: DomainEvent[] = [];
    await reg.wharf.events.relay.drain();
    reg.wharf.events.bus.subscribe(
      `imm-${Math.random()}`,
      ['immutable_rule.created', 'immutable_rule.updated', 'immutable_rule.deleted'],
      (event) => {
        seen.push(event);
      },
    );
    const id = await rule(p, 'v*', { repository: 'app/**' });
    const list = await api(reg.app, 'GET', `/projects/${p}/immutabletagrules`, ADMIN);
    expect(list.statusCode).toBe(200);
    expect(list.headers['x-total-count']).toBe('1');
    expect(list.json()).toEqual([
      {
        id,
        priority: 0,
        disabled: false,
        action: 'immutable',
        template: 'immutable_template',
        tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*' }],
        scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: 'app/**' }] },
      },
    ]);
    const changed = await api(reg.app, 'PUT', `/projects/${p}/immutabletagrules/${id}`, ADMIN, {
      id,
      ...ruleBody('release-*'),
      priority: 3,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    // Harbor: a body that toggles `disabled` changes only that.
    const toggled = await api(reg.app, 'PUT', `/projects/${p}/immutabletagrules/${id}`, ADMIN, {
      id,
      ...ruleBody('ignored', { disabled: true }),
    });
    expect(toggled.statusCode, toggled.body).toBe(200);
    const [after] = (await api(reg.app, 'GET', `/projects/${p}/immutabletagrules`, ADMIN)).json<
      { priority: number; disabled: boolean; tag_selectors: { pattern: string }[] }[]
    >();
    expect(after).toMatchObject({ priority: 3, disabled: true, tag_selectors: [{ pattern: 'release-*' }] });
    expect((await api(reg.app, 'DELETE', `/projects/${p}/immutabletagrules/${id}`, ADMIN)).statusCode).toBe(200);
    expect((await api(reg.app, 'GET', `/projects/${p}/immutabletagrules`, ADMIN)).json()).toEqual([]);
    await reg.wharf.events.relay.drain();
    expect(seen.map((e) => e.type)).toEqual([
      'immutable_rule.created',
      'immutable_rule.updated',
      'immutable_rule.updated',
      'immutable_rule.deleted',
    ]);
    expect(seen.every((e) => e.by?.name === 'admin')).toBe(true);
  });

  it('validates rules, refuses duplicates and more than 15 rules per project', async () => {
    const p = await project();
    const path = `/projects/${p}/immutabletagrules`;
    const bad = [
      { ...ruleBody('v*'), tag_selectors: [] },
      { ...ruleBody('v*'), tag_selectors: [{ kind: 'regex', decoration: 'matches', pattern: 'v' }] },
      { ...ruleBody('v*'), tag_selectors: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: 'v' }] },
      { ...ruleBody('v*'), scope_selectors: {} },
      { ...ruleBody('v*'), action: 'retain' },
      { ...ruleBody('v*'), disabled: 'yes' },
    ];
    for (const body of bad) expectHarborError(await api(reg.app, 'POST', path, ADMIN, body), 400, 'BAD_REQUEST');
    await rule(p, 'v*');
    expectHarborError(await api(reg.app, 'POST', path, ADMIN, ruleBody('v*')), 409, 'CONFLICT');
    for (let i = 1; i < 15; i++) await rule(p, `t${i}`);
    const message = expectHarborError(await api(reg.app, 'POST', path, ADMIN, ruleBody('t15')), 400, 'BAD_REQUEST');
    expect(message).toContain('at most 15');
  });

  it('answers 404 for a rule of another project and 400 for an id that does not match the body', async () => {
    const p = await project();
    const q = await project();
    const id = await rule(p, 'v*');
    expectHarborError(await api(reg.app, 'DELETE', `/projects/${q}/immutabletagrules/${id}`, ADMIN), 404, 'NOT_FOUND');
    expectHarborError(
      await api(reg.app, 'PUT', `/projects/${q}/immutabletagrules/${id}`, ADMIN, { id, ...ruleBody('x') }),
      404,
      'NOT_FOUND',
    );
    expectHarborError(
      await api(reg.app, 'PUT', `/projects/${p}/immutabletagrules/${id}`, ADMIN, { id: id + 1, ...ruleBody('x') }),
      400,
      'BAD_REQUEST',
    );
    expect((await api(reg.app, 'GET', `/projects/${p}/immutabletagrules`, ADMIN)).json()).toHaveLength(1);
  });

  it('deleting the project deletes its rules', async () => {
    const p = await project();
    await rule(p, 'v*');
    const projectId = (await reg.wharf.store.projects.getByName(p))!.id;
    expect((await api(reg.app, 'DELETE', `/projects/${p}`, ADMIN)).statusCode).toBe(200);
    expect(await reg.wharf.store.immutableRules.count(projectId)).toBe(0);
  });
});
