import { describeLeases } from './lease.suite.js';
import { InProcessLeases } from './in-process-leases.js';

describeLeases('InProcessLeases', (clock) =>
  Promise.resolve({ leases: new InProcessLeases(clock), dispose: () => Promise.resolve() }),
);
