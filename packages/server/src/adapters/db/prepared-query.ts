import type { Compilable, Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * A query built and compiled once, then run with fresh parameter values. Building and compiling a Kysely
 * query costs more than running it on SQLite, so the hottest reads (every manifest and blob GET/HEAD)
 * skip it. `build` receives placeholder strings and must use each of them as a plain value.
 */
export function preparedQuery<Row, Args extends string[]>(
  arity: Args['length'],
  build: (...args: Args) => Compilable<Row>,
): (db: Kysely<Database>, ...args: Args) => Promise<Row | undefined> {
  const placeholders = Array.from({ length: arity }, (_, i) => `\u0000param-${i}\u0000`) as Args;
  const compiled = build(...placeholders).compile();
  const slots = compiled.parameters.map((value) => placeholders.indexOf(value as string));
  if (slots.some((slot) => slot < 0)) throw new Error('preparedQuery: every parameter must come from an argument');
  return async (db, ...args) => {
    const parameters = slots.map((slot) => args[slot]);
    const result = await db.executeQuery<Row>({ ...compiled, parameters });
    return result.rows[0];
  };
}
