import { describe, expect, it } from 'vitest';
import { RequestGauge } from './request-gauge.js';

describe('RequestGauge', () => {
  it('counts requests in flight and requests started', () => {
    const gauge = new RequestGauge();
    expect([gauge.inFlight, gauge.started]).toEqual([0, 0]);
    gauge.begin();
    gauge.begin();
    gauge.end();
    expect([gauge.inFlight, gauge.started]).toEqual([1, 2]);
    gauge.end();
    gauge.end(); // an extra end never goes below 0
    expect([gauge.inFlight, gauge.started]).toEqual([0, 2]);
  });
});
