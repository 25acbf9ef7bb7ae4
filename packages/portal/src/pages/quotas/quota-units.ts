/** The units a quota's limit is entered in. */
export const QUOTA_UNITS = { MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 } as const;
export type QuotaUnit = keyof typeof QUOTA_UNITS;

/** A limit in bytes as the largest unit that holds it whole (or to two decimals in MiB). */
export function limitInUnits(bytes: number): { amount: number; unit: QuotaUnit } {
  for (const unit of ['TiB', 'GiB'] as const) {
    if (bytes >= QUOTA_UNITS[unit] && bytes % QUOTA_UNITS[unit] === 0)
      return { amount: bytes / QUOTA_UNITS[unit], unit };
  }
  return { amount: Math.round((bytes / QUOTA_UNITS.MiB) * 100) / 100, unit: 'MiB' };
}

export function bytesOf(amount: number, unit: QuotaUnit): number {
  return Math.round(amount * QUOTA_UNITS[unit]);
}
