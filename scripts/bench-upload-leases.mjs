/* global performance */
// Chunked-upload micro-benchmark of the upload service's session locking (not part of the test suite): SESSIONS
// sessions (CONCURRENCY at a time), each CHUNKS appends of CHUNK bytes, then a completion, straight on
// UploadService over a filesystem store and SQLite or PostgreSQL. Modes: none (the in-process mutex only),
// in-process (plus in-process leases, as on SQLite), db (plus lease rows, as on PostgreSQL).
// Usage: node scripts/bench-upload-leases.mjs <compiled server dir, e.g. packages/server/dist> <none|in-process|db>
//        <sqlite|postgres://… URL of an empty database>
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
const [dist, mode, driver] = process.argv.slice(2);
const d = resolve(dist);
const { UploadService } = await import(`${d}/registry-core/uploads.js`);
const { openDatabase } = await import(`${d}/adapters/db/index.js`);
const { createBlobStore } = await import(`${d}/adapters/blob/index.js`);
const SESSIONS = 200,
  CONCURRENCY = 4,
  CHUNKS = 16,
  CHUNK = 64 * 1024;
const dir = await mkdtemp(join(tmpdir(), 'wharf-ubench-'));
const db =
  driver === 'sqlite'
    ? openDatabase({ driver: 'sqlite', path: join(dir, 'db.sqlite'), synchronous: 'normal' })
    : openDatabase({ driver: 'postgres', url: driver, poolSize: 10 });
await db.metadata.migrate();
await db.identity.projects.create({ name: 'bench', public: true }).catch(() => undefined);
const storage = createBlobStore({ driver: 'filesystem', rootDirectory: join(dir, 'storage') });
let coordination;
if (mode === 'in-process') {
  const { InProcessLeases } = await import(`${d}/adapters/lease/in-process-leases.js`);
  coordination = { leases: new InProcessLeases(), node: 'bench' };
} else if (mode === 'db') coordination = { leases: db.leases(), node: 'bench' };
const uploads = new UploadService(db.metadata, storage, undefined, coordination);
async function* once(buf) {
  yield buf;
}
const patchTimes = [];
async function session() {
  const { id } = await uploads.start('bench/repo');
  const hash = createHash('sha256');
  for (let c = 0; c < CHUNKS; c++) {
    const buf = randomBytes(CHUNK);
    hash.update(buf);
    const t = performance.now();
    await uploads.append('bench/repo', id, once(buf), { start: c * CHUNK });
    patchTimes.push(performance.now() - t);
  }
  await uploads.complete('bench/repo', id, `sha256:${hash.digest('hex')}`);
}
// Warm-up
for (let i = 0; i < 10; i++) await session();
patchTimes.length = 0;
const t0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < SESSIONS) await session();
  }),
);
const total = performance.now() - t0;
patchTimes.sort((a, b) => a - b);
const q = (p) => patchTimes[Math.floor(p * (patchTimes.length - 1))].toFixed(3);
console.log(
  JSON.stringify({
    dist,
    mode,
    driver: driver === 'sqlite' ? 'sqlite' : 'postgres',
    totalMs: Math.round(total),
    patches: patchTimes.length,
    patchMedianMs: q(0.5),
    patchP95Ms: q(0.95),
    patchesPerS: Math.round(patchTimes.length / (total / 1000)),
  }),
);
await db.metadata.close();
await rm(dir, { recursive: true, force: true });
