import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** A duration given as seconds (number) or as text such as `90s`, `30m`, `24h`, `7d`; parsed to seconds. */
export const duration = z.union([z.number().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `invalid duration "${value}" (expected e.g. 90s, 30m, 24h, 7d)` });
    return z.NEVER;
  }
  return Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1);
});
