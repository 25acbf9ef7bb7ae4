/** Runs `count` async jobs with at most `concurrency` in flight; rejects with the first failure. */
export async function runPool(
  count: number,
  concurrency: number,
  job: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: Error | undefined;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < count) {
      const i = next++;
      try {
        await job(i);
      } catch (err) {
        failed ??= err instanceof Error ? err : new Error(JSON.stringify(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, () => worker()));
  if (failed !== undefined) throw failed;
}
