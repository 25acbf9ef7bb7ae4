import type { PoolUse } from '../../ports/metrics-records.js';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

export interface PostgresOptions {
  readonly url: string;
  readonly poolSize: number;
  /**
   * Called when an idle pooled connection fails (the server restarted, an administrator ended it). The
   * pool discards that connection and opens a new one on demand; without a listener pg would crash the process.
   */
  readonly onIdleError?: (err: Error) => void;
}

const INT8_OID = 20;

function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`bigint ${value} exceeds JavaScript's safe integer range`);
  return parsed;
}

function hasOptions(url: string): boolean {
  try {
    return new URL(url).searchParams.has('options');
  } catch {
    return false;
  }
}

/** Opens a pool to PostgreSQL whose bigint columns (sizes, timestamps) come back as numbers. */
export function openPostgres(options: PostgresOptions): Kysely<Database> {
  // Type parsers on this pool only: the global pg.types stay untouched.
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, 'text', parseInt8);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    types,
    connectionTimeoutMillis: 30_000,
    // Wharf's queries are short; PostgreSQL's JIT compiles any plan whose estimate passes jit_above_cost, and a
    // page of a 10,000-artifact list (46 ms of work) spent 320 ms compiling. A URL that sets `options` keeps its own.
    ...(hasOptions(options.url) ? {} : { options: '-c jit=off' }),
  });
  pool.on('error', (err) => options.onIdleError?.(err));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

const pools = new WeakMap<Kysely<Database>, pg.Pool>();

/** The connections of the pool under `db` (opened by openPostgres), or undefined for other databases. */
export function poolUseOf(db: Kysely<Database>): PoolUse | undefined {
  const pool = pools.get(db);
  if (!pool) return undefined;
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max };
}
