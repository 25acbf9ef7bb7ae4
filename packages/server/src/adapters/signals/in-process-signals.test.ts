import { InProcessSignals } from './in-process-signals.js';
import { describeSignals } from './signals.suite.js';

describeSignals(
  'in-process signals',
  () => {
    const signals = new InProcessSignals();
    return Promise.resolve({ signals, dispose: () => signals.close() });
  },
  { betweenProcesses: false },
);
