/** Harbor's health report: every component's status, and `healthy` overall only when all of them are. */
export interface HealthReport {
  readonly status: 'healthy' | 'unhealthy';
  readonly components: readonly ComponentHealth[];
}

export interface ComponentHealth {
  readonly name: string;
  readonly status: 'healthy' | 'unhealthy';
  readonly error?: string;
}

/** A probe that resolves when its component works and throws (or times out) when it does not. */
export type HealthProbe = () => Promise<void>;

/** Runs every probe concurrently, each bounded by `timeoutMs`; components are reported in name order. */
export async function checkHealth(
  probes: Readonly<Record<string, HealthProbe>>,
  timeoutMs = 5_000,
): Promise<HealthReport> {
  const names = Object.keys(probes).sort();
  const components = await Promise.all(
    names.map(async (name): Promise<ComponentHealth> => {
      try {
        await withTimeout(probes[name]!(), timeoutMs);
        return { name, status: 'healthy' };
      } catch (error) {
        return { name, status: 'unhealthy', error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  const status = components.every((c) => c.status === 'healthy') ? 'healthy' : 'unhealthy';
  return { status, components };
}

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
