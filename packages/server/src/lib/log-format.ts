/**
 * A log line for a person at a terminal: pino's JSON line `{"level":30,"time":…,"msg":"wharf listening",
 * "address":"…"}` becomes `12:00:00.000 INFO  wharf listening address=…`. The fields pino adds to every line
 * (pid, hostname, the service name) are left out; an error's stack follows on its own lines.
 */

const LEVELS: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** ANSI colours of the level names (red for errors, yellow for warnings, dim for debug and trace). */
const COLOURS: Readonly<Record<number, string>> = { 10: '2', 20: '2', 30: '32', 40: '33', 50: '31', 60: '31;1' };

/** Fields every line has, or that pino adds, shown elsewhere in the line or not at all. */
const OMITTED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'err']);

export interface PrettyOptions {
  /** ANSI colours for the level (a terminal). */
  readonly colour: boolean;
}

function clock(time: unknown): string {
  const date = typeof time === 'number' || typeof time === 'string' ? new Date(time) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) return '--:--:--.---';
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

function errorText(err: unknown): string {
  if (typeof err !== 'object' || err === null) return `\n    ${valueText(err)}`;
  const { stack, message } = err as { stack?: unknown; message?: unknown };
  const text = typeof stack === 'string' ? stack : typeof message === 'string' ? message : JSON.stringify(err);
  return `\n${text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')}`;
}

/** Formats one line of pino's JSON output; a line that is not a JSON object is returned as it came. */
export function formatLogLine(line: string, opts: PrettyOptions): string {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return line.endsWith('\n') ? line : `${line}\n`;
    record = parsed as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = typeof record.level === 'number' ? record.level : 30;
  const name = (LEVELS[level] ?? `L${level}`).padEnd(5);
  const levelText = opts.colour ? `\u001b[${COLOURS[level] ?? '0'}m${name}\u001b[0m` : name;
  const fields = Object.entries(record)
    .filter(([key, value]) => !OMITTED.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${valueText(value)}`);
  const msg = typeof record.msg === 'string' ? record.msg : '';
  const head = [clock(record.time), levelText, msg, ...fields].filter((part) => part !== '').join(' ');
  return `${head}${record.err === undefined ? '' : errorText(record.err)}\n`;
}
