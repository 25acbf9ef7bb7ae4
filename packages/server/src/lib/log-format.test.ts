import { describe, expect, it } from 'vitest';
import { formatLogLine } from './log-format.js';

const at = (h: number, m: number, s: number, ms: number) => new Date(2026, 0, 2, h, m, s, ms).getTime();

describe('formatLogLine', () => {
  it('writes local time, level and message, then the fields as key=value, without pino’s own fields', () => {
    const line = JSON.stringify({
      level: 30,
      time: at(9, 5, 7, 42),
      pid: 123,
      hostname: 'box',
      service: 'wharf',
      msg: 'wharf listening',
      address: 'http://0.0.0.0:5000',
      database: 'sqlite',
      migrations: ['0001-initial'],
    });
    expect(formatLogLine(`${line}\n`, { colour: false })).toBe(
      '09:05:07.042 INFO  wharf listening address=http://0.0.0.0:5000 database=sqlite migrations=["0001-initial"]\n',
    );
  });

  it('quotes values with spaces, colours the level on a terminal, and puts an error’s stack below', () => {
    const line = JSON.stringify({
      level: 50,
      time: at(23, 59, 59, 999),
      msg: 'request failed',
      note: 'two words',
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at here' },
    });
    expect(formatLogLine(line, { colour: true })).toBe(
      '23:59:59.999 \u001b[31mERROR\u001b[0m request failed note="two words"\n    Error: boom\n        at here\n',
    );
    expect(formatLogLine(JSON.stringify({ level: 40, time: at(0, 0, 0, 0), msg: 'x' }), { colour: false })).toBe(
      '00:00:00.000 WARN  x\n',
    );
  });

  it('passes through what is not a JSON object', () => {
    expect(formatLogLine('plain text', { colour: false })).toBe('plain text\n');
    expect(formatLogLine('[1,2]\n', { colour: false })).toBe('[1,2]\n');
  });
});
