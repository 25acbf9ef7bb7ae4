import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startWharf, WHARF_MAIN, type RunningRegistry } from '../helpers/registry-process.js';
import { ADMIN_PASSWORD } from '../helpers/test-registry.js';

/**
 * `wharf serve` with two workers (http.workers 2) on one port, as real processes: node:cluster hands each new
 * connection to the next worker, so every request below goes on a connection of its own (`agent: false`) and the
 * access log (one JSON line per request, with the worker's id) tells which worker answered.
 */

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = basic('admin', ADMIN_PASSWORD);

/** One request on a connection of its own. */
function send(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<Answer> {
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
  const headers = { ...opts.headers, ...(body && { 'content-length': String(body.length) }) };
  return new Promise((resolve, reject) => {
    const options = { method, headers, agent: false, timeout: 10_000 };
    const req = http.request(new URL(path, base), options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
    req.end(body);
  });
}

interface AccessLine {
  readonly worker?: number;
  readonly url?: string;
  readonly method?: string;
  readonly status?: number;
  readonly msg?: string;
}

function logLines(registry: RunningRegistry): AccessLine[] {
  return registry
    .output()
    .stdout.split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as AccessLine);
}

/** The workers whose access log shows a request whose URL contains `marker`. */
function workersServing(registry: RunningRegistry, marker: string): Set<number> {
  return new Set(
    logLines(registry)
      .filter((l) => l.msg === 'access' && l.url?.includes(marker))
      .map((l) => l.worker!),
  );
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The primary's child processes (the workers). */
function workerPids(primary: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(primary)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('wharf serve with two workers', () => {
  let wharf: RunningRegistry;
  let base: string;

  beforeAll(async () => {
    wharf = await startWharf({
      env: {
        WHARF_HTTP_WORKERS: '2',
        WHARF_LOG_LEVEL: 'info',
        WHARF_LOG_FORMAT: 'json',
        WHARF_HTTP_ACCESSLOG: 'true',
        WHARF_LOGIN_PAIRLOCKAFTER: '4',
        WHARF_LOGIN_LOCKDURATION: '60', // not the default 1 s, which a busy machine can outlast between requests
        WHARF_JOBS_POLLINTERVAL: '0.2',
        WHARF_METRICS_ENABLED: 'true',
      },
    });
    base = wharf.url;
    await until('both workers', () => logLines(wharf).some((l) => l.msg === 'wharf listening'));
  }, 60_000);

  afterAll(async () => {
    await wharf?.stop();
  });

  it('serves one port from both workers, and says "listening" once', async () => {
    for (let i = 0; i < 6; i++) expect((await send(base, 'GET', `/v2/?probe=${i}`)).status).toBe(401);
    expect(workersServing(wharf, '/v2/?probe=')).toEqual(new Set([1, 2]));
    expect(logLines(wharf).filter((l) => l.msg === 'wharf listening')).toMatchObject([{ workers: 2 }]);
    expect(workerPids(wharf.pid)).toHaveLength(2);
  });

  it('takes a chunked upload whose requests land on different workers', async () => {
    const chunks = [randomBytes(70_000), randomBytes(50_000), randomBytes(30_000)];
    const whole = Buffer.concat(chunks);
    const digest = `sha256:${createHash('sha256').update(whole).digest('hex')}`;
    const auth = { authorization: ADMIN };
    const start = await send(base, 'POST', '/v2/library/spread/blobs/uploads/', { headers: auth });
    expect(start.status).toBe(202);
    let location = new URL(start.headers.location!, base);
    const uuid = location.pathname.split('/').pop()!;
    let offset = 0;
    for (const chunk of chunks) {
      const range = `${offset}-${offset + chunk.length - 1}`;
      const res = await send(base, 'PATCH', location.pathname + location.search, {
        headers: { ...auth, 'content-type': 'application/octet-stream', 'content-range': range },
        body: chunk,
      });
      expect(res.status, res.body.toString()).toBe(202);
      expect(res.headers.range).toBe(`0-${offset + chunk.length - 1}`);
      offset += chunk.length;
      location = new URL(res.headers.location!, base);
    }
    location.searchParams.set('digest', digest);
    const put = await send(base, 'PUT', location.pathname + location.search, { headers: auth });
    expect(put.status, put.body.toString()).toBe(201);
    expect(workersServing(wharf, uuid)).toEqual(new Set([1, 2]));
    for (let i = 0; i < 2; i++) {
      const got = await send(base, 'GET', `/v2/library/spread/blobs/${digest}?n=${i}`, { headers: auth });
      expect(got.status).toBe(200);
      expect(got.body.equals(whole)).toBe(true);
    }
  });

  it('counts failed logins of every worker together', async () => {
    const created = await send(base, 'POST', '/api/v2.0/users', {
      headers: { authorization: ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'lockme', email: 'lockme@example.com', realname: 'L', password: 'Right1pass' }),
    });
    expect(created.status, created.body.toString()).toBe(201);
    // pairLockAfter 4: four failures spread over both workers lock the account for this address.
    for (let i = 0; i < 4; i++) {
      const res = await send(base, 'GET', `/v2/?fail=${i}`, {
        headers: { authorization: basic('lockme', 'Wrong1pass') },
      });
      expect(res.status).toBe(401);
    }
    expect(workersServing(wharf, '/v2/?fail=')).toEqual(new Set([1, 2]));
    // Until both workers refused (node hands a connection to the next worker that is free, not strictly in turn).
    for (let i = 0; i < 10 && workersServing(wharf, '/c/login?locked=').size < 2; i++) {
      const res = await send(base, 'POST', `/c/login?locked=${i}`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'principal=lockme&password=Right1pass',
      });
      expect(res.status, res.body.toString()).toBe(429);
    }
    expect(workersServing(wharf, '/c/login?locked=')).toEqual(new Set([1, 2]));
  });

  it('shows a setting changed through the API on every worker within a second', async () => {
    const json = { authorization: ADMIN, 'content-type': 'application/json' };
    const tryUpload = (i: number) =>
      send(base, 'POST', `/v2/library/frozen/blobs/uploads/?ro=${i}`, { headers: { authorization: ADMIN } });
    const before = await tryUpload(-1);
    expect(before.status).toBe(202);
    const set = await send(base, 'PUT', '/api/v2.0/configurations', { headers: json, body: '{"read_only":true}' });
    expect(set.status).toBe(200);
    const changedAt = Date.now();
    try {
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() - changedAt)));
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await tryUpload(i)).status);
      expect(
        statuses.every((s) => s !== 202),
        String(statuses),
      ).toBe(true);
      expect(workersServing(wharf, '/blobs/uploads/?ro=')).toEqual(new Set([1, 2]));
    } finally {
      await send(base, 'PUT', '/api/v2.0/configurations', { headers: json, body: '{"read_only":false}' });
      await new Promise((r) => setTimeout(r, 1100)); // the other worker's cache
    }
  });

  it('fires a schedule once, whichever worker sees it due', async () => {
    const json = { authorization: ADMIN, 'content-type': 'application/json' };
    const body = JSON.stringify({ schedule: { type: 'Custom', cron: '*/2 * * * * *' }, parameters: {} });
    const set = await send(base, 'POST', '/api/v2.0/system/gc/schedule', { headers: json, body });
    expect(set.status, set.body.toString()).toBe(201);
    await new Promise((r) => setTimeout(r, 7000));
    await send(base, 'PUT', '/api/v2.0/system/gc/schedule', {
      headers: json,
      body: JSON.stringify({ schedule: { type: 'None' } }),
    });
    const history = await send(base, 'GET', '/api/v2.0/system/gc?page_size=100', { headers: { authorization: ADMIN } });
    const runs = (JSON.parse(history.body.toString()) as { job_kind: string; creation_time: string }[]).filter(
      (run) => run.job_kind === 'SCHEDULE',
    );
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.length).toBeLessThanOrEqual(5);
    // Each two-second slot fired once: no two runs were created within one slot.
    const slots = runs.map((run) => Math.floor(Date.parse(run.creation_time) / 2000));
    expect(new Set(slots).size).toBe(runs.length);
  });

  it("shows every worker's counters in one scrape, and the database's figures once", async () => {
    for (let i = 0; i < 6; i++) expect((await send(base, 'GET', `/api/v2.0/ping?metric=${i}`)).status).toBe(200);
    expect(workersServing(wharf, '/api/v2.0/ping?metric=')).toEqual(new Set([1, 2]));
    const value = (text: string, series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    // Until both workers answered a scrape: each shows the same sums.
    for (let i = 0; i < 8 && workersServing(wharf, '/metrics?scrape=').size < 2; i++) {
      const scrape = await send(base, 'GET', `/metrics?scrape=${i}`);
      expect(scrape.status).toBe(200);
      const text = scrape.body.toString();
      expect(value(text, 'wharf_http_requests_total{route="/api/v2.0/ping",method="GET",code="200"}')).toBe(6);
      expect(value(text, 'harbor_project_total{public="true"}')).toBe(1); // library, not once per worker
    }
    expect(workersServing(wharf, '/metrics?scrape=')).toEqual(new Set([1, 2]));
  });

  it('restarts a killed worker while the other one keeps answering', async () => {
    const [victim, survivor] = workerPids(wharf.pid);
    expect(survivor).toBeDefined();
    process.kill(victim!, 'SIGKILL');
    // A connection handed to the worker in the instant it died is lost with it; once the primary saw the exit
    // (and before the new worker listens), the survivor takes every connection.
    await until('the exit', () => logLines(wharf).some((l) => l.msg === 'a worker exited: restarting it'));
    for (let i = 0; i < 6; i++) expect((await send(base, 'GET', `/v2/?during=${i}`)).status).toBe(401);
    await until('the restart', () => logLines(wharf).some((l) => l.msg === 'worker restarted'));
    const now = workerPids(wharf.pid);
    expect(now).toHaveLength(2);
    expect(now).toContain(survivor);
    expect(now).not.toContain(victim);
    expect(logLines(wharf).find((l) => l.msg === 'a worker exited: restarting it')).toMatchObject({
      signal: 'SIGKILL',
    });
  });

  it('ends every process on SIGTERM', async () => {
    const pids = workerPids(wharf.pid);
    expect(pids).toHaveLength(2);
    await wharf.stop();
    expect(alive(wharf.pid)).toBe(false);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(logLines(wharf).filter((l) => l.msg === 'shutting down')).toHaveLength(3);
  });
});

describe('workers that cannot start', () => {
  it('make the primary give up with exit status 1 (the port is taken)', async () => {
    const port = await freePort();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    const dataDir = await mkdtemp(join(tmpdir(), 'wharf-workers-'));
    try {
      const child = spawn(process.execPath, [WHARF_MAIN, 'serve'], {
        env: {
          PATH: process.env.PATH ?? '',
          WHARF_DATA_DIR: dataDir,
          WHARF_HTTP_ADDR: `127.0.0.1:${port}`,
          WHARF_HTTP_WORKERS: '2',
          WHARF_LOG_FORMAT: 'json',
          WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.resume();
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      expect(code).toBe(1);
      const lines = stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { msg: string; failures?: number });
      expect(lines.filter((l) => l.msg === 'a worker exited: restarting it').length).toBeGreaterThanOrEqual(3);
      expect(lines.find((l) => l.msg === 'workers keep dying at start: stopping')).toMatchObject({ failures: 5 });
      expect(lines.some((l) => l.msg === 'wharf listening')).toBe(false);
    } finally {
      squatter.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
