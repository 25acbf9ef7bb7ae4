import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { testRedisUrl } from '../redis/redis-test.js';
import { RedisSignals } from './redis-signals.js';
import { describeSignals } from './signals.suite.js';

describeSignals(
  'Redis signals',
  async () => {
    // A prefix of its own per test: other tests and helpers share this Redis server.
    const keyPrefix = `wharf-test-${randomUUID()}:`;
    const name = `wharf-signals-${randomUUID()}`;
    const open = async (connectionName: string) => {
      const signals = new RedisSignals({ url: testRedisUrl(), keyPrefix, connectionName });
      await signals.ready();
      return signals;
    };
    const signals = await open(name);
    return {
      signals,
      anotherNode: () => open(`wharf-signals-${randomUUID()}`),
      async breakConnection() {
        const admin = new Redis(testRedisUrl());
        try {
          // Kills every connection of this fixture's node: its subscriber and its publisher.
          const clients = (await admin.client('LIST')) as string;
          const ids = clients
            .split('\n')
            .filter((line) => line.includes(` name=${name} `))
            .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1]);
          if (ids.length === 0) throw new Error('the fixture’s Redis connections were not found');
          for (const id of ids) await admin.client('KILL', 'ID', id!);
        } finally {
          admin.disconnect();
        }
      },
      dispose: () => signals.close(),
    };
  },
  { betweenProcesses: true },
);
