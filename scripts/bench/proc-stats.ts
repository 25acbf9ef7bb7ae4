/** Server-side resource accounting from /proc: CPU seconds (utime+stime) and peak RSS (VmHWM) of a process tree. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface StatFields {
  readonly ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks (children's time counts once they are reaped). */
  readonly ticks: number;
}

function readStat(pid: number): StatFields | undefined {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); field N is rest[N - 3].
  const num = (field: number): number => Number(rest[field - 3] ?? '0');
  return { ppid: num(4), ticks: num(14) + num(15) + num(16) + num(17) };
}

/** The root pid and every live descendant. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const st = readStat(pid);
    if (st === undefined) continue;
    const list = children.get(st.ppid) ?? [];
    list.push(pid);
    children.set(st.ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** CPU seconds consumed so far by the process tree rooted at `root`. */
export function cpuSeconds(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) ticks += readStat(pid)?.ticks ?? 0;
  return ticks / CLK_TCK;
}

function statusKiB(pid: number, key: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    return m?.[1] === undefined ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}

/** Peak RSS (VmHWM) in MiB of each process of the tree, the root first (the primary, then its workers). */
export function perProcessPeakRssMiB(root: number): number[] {
  return processTree(root).map((pid) => statusKiB(pid, 'VmHWM') / 1024);
}

/** Peak RSS (VmHWM) in MiB, summed over the process tree (a primary and its workers: the sum of their peaks). */
export function peakRssMiB(root: number): number {
  return perProcessPeakRssMiB(root).reduce((a, b) => a + b, 0);
}

/**
 * Resets the peak-RSS high-water mark (Linux: `echo 5 > /proc/PID/clear_refs`, needs ownership or root).
 * Returns false when the kernel refused, in which case VmHWM stays cumulative since process start.
 */
export function resetPeakRss(root: number): boolean {
  let ok = true;
  for (const pid of processTree(root)) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      ok = false;
    }
  }
  return ok;
}

/** Busy CPU seconds of the whole machine (all cores) since boot, from the first line of /proc/stat. */
export function systemBusySeconds(): number {
  const first = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const f = first.trim().split(/\s+/).slice(1, 9).map(Number); // user nice system idle iowait irq softirq steal
  const total = f.reduce((a, b) => a + b, 0);
  return (total - (f[3] ?? 0) - (f[4] ?? 0)) / CLK_TCK;
}

export interface ResourceUsage {
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
  /** Peak RSS of each process of the tree (root first), e.g. Wharf's primary and its cluster workers. */
  readonly perProcessPeakRssMiB: readonly number[];
  /** False when VmHWM could not be reset, i.e. the peak is since server start rather than per scenario. */
  readonly peakIsPerScenario: boolean;
  /**
   * CPU seconds used on the machine by anything other than this server and the benchmark itself (its load
   * generators included): a large value means other work competed for the cores and the phase is noisy.
   */
  readonly otherCpuSeconds: number;
}

/** Starts measuring a process tree; call the returned function when the measured work is done. */
export function startUsage(root: number): () => ResourceUsage {
  const perScenario = resetPeakRss(root);
  const cpu0 = cpuSeconds(root);
  const self0 = cpuSeconds(process.pid);
  const sys0 = systemBusySeconds();
  return () => {
    const server = cpuSeconds(root) - cpu0;
    const self = cpuSeconds(process.pid) - self0;
    const other = Math.max(0, systemBusySeconds() - sys0 - server - self);
    const perProcess = perProcessPeakRssMiB(root);
    return {
      cpuSeconds: server,
      peakRssMiB: perProcess.reduce((a, b) => a + b, 0),
      perProcessPeakRssMiB: perProcess,
      peakIsPerScenario: perScenario,
      otherCpuSeconds: other,
    };
  };
}
