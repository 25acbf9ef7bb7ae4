/**
 * Recognises constraint violations of both drivers: pg's DatabaseError (SQLSTATE `code`, `detail`) and
 * better-sqlite3's SqliteError (`code` SQLITE_CONSTRAINT_*, message naming table.column).
 */
interface DriverError {
  readonly code?: unknown;
  readonly detail?: unknown;
  readonly message?: unknown;
}

function driverError(error: unknown): DriverError | undefined {
  return typeof error === 'object' && error !== null ? error : undefined;
}

/** The columns of the unique (or primary) key `error` violates; undefined when it is no such violation. */
export function uniqueViolationColumns(error: unknown): string[] | undefined {
  const e = driverError(error);
  if (e === undefined) return undefined;
  if (e.code === '23505') {
    // "Key (project_id, entity_type, entity_id)=(1, u, 2) already exists."
    const match = typeof e.detail === 'string' ? /^Key \(([^)]*)\)=/.exec(e.detail) : null;
    return match?.[1] === undefined ? [] : match[1].split(',').map((column) => column.trim());
  }
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // "UNIQUE constraint failed: project_members.project_id, project_members.entity_type, …"
    const list = typeof e.message === 'string' ? e.message.split(': ')[1] : undefined;
    return list === undefined ? [] : list.split(',').map((column) => column.trim().replace(/^[^.]*\./, ''));
  }
  return undefined;
}

/** Whether `error` violates a foreign key (a referenced row is missing, or a referencing row remains). */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = driverError(error)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
