import { describe, expect, it } from 'vitest';
import { checkHealth } from './health.js';

describe('checkHealth', () => {
  it('is healthy when every probe resolves, listing components by name', async () => {
    const report = await checkHealth({ storage: () => Promise.resolve(), database: () => Promise.resolve() });
    expect(report).toEqual({
      status: 'healthy',
      components: [
        { name: 'database', status: 'healthy' },
        { name: 'storage', status: 'healthy' },
      ],
    });
  });

  it('is unhealthy when a probe throws, with that component’s error', async () => {
    const report = await checkHealth({
      database: () => Promise.reject(new Error('connection refused')),
      storage: () => Promise.resolve(),
    });
    expect(report).toEqual({
      status: 'unhealthy',
      components: [
        { name: 'database', status: 'unhealthy', error: 'connection refused' },
        { name: 'storage', status: 'healthy' },
      ],
    });
  });

  it('counts a probe that does not answer in time as unhealthy', async () => {
    const report = await checkHealth({ storage: () => new Promise(() => undefined) }, 20);
    expect(report).toEqual({
      status: 'unhealthy',
      components: [{ name: 'storage', status: 'unhealthy', error: 'no answer within 20 ms' }],
    });
  });
});
