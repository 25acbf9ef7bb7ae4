import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { ClusterSignalHub, ClusterSignals, type IpcEndpoint, type SignalEnvelope } from './cluster-signals.js';
import { describeSignals } from './signals.suite.js';

/**
 * A real IPC channel (node's, as between a cluster's primary and a worker) whose far end is a child process that
 * sends every message back: the worker's end and the primary's end both live in this process, and every message
 * between them crosses the channel (serialised, through the child) twice.
 */
interface Mirrored {
  readonly worker: IpcEndpoint;
  readonly primary: IpcEndpoint;
  readonly child: ChildProcess;
}

const MIRROR = "process.on('message', (m) => process.send(m)); process.on('disconnect', () => process.exit(0));";

async function mirroredChannel(): Promise<Mirrored> {
  const child = spawn(process.execPath, ['-e', MIRROR], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const toWorker = new EventEmitter();
  const toPrimary = new EventEmitter();
  child.on('message', (m: { to: 'worker' | 'primary'; envelope: unknown }) =>
    (m.to === 'worker' ? toWorker : toPrimary).emit('message', m.envelope),
  );
  const end = (to: 'worker' | 'primary', inbox: EventEmitter): IpcEndpoint => ({
    send: (envelope: SignalEnvelope, done) => void child.send({ to, envelope }, done),
    on: (event, listener) => inbox.on(event, listener),
    off: (event, listener) => inbox.off(event, listener),
  });
  return { worker: end('primary', toWorker), primary: end('worker', toPrimary), child };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.disconnect();
  });
}

describeSignals(
  'cluster signals (node IPC channels through a child process)',
  async () => {
    const hub = new ClusterSignalHub();
    const children: ChildProcess[] = [];
    const node = async () => {
      const channel = await mirroredChannel();
      children.push(channel.child);
      hub.attach(channel.primary);
      return new ClusterSignals(channel.worker);
    };
    const signals = await node();
    return {
      signals,
      anotherNode: node,
      async dispose() {
        await signals.close();
        await Promise.all(children.map(stop));
      },
    };
  },
  { betweenProcesses: true, reconnects: false },
);
