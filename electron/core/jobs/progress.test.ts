import { describe, expect, it } from 'vitest';
import { JobMeter } from './progress.js';
import { convertStep, planOf } from './jobs.test-support.js';

const trash = (path: string) => ({ op: 'trash' as const, says: { key: 't', values: {}, message: 'trash' }, changes: [], path });

describe("a job's progress", () => {
  it('is the copying steps’ share of the job, with bytes/s and time left from the rate the fraction moves at', () => {
    let now = 0;
    const plan = planOf([convertStep('/vm/a.raw', '/vm/a.qcow2'), trash('/vm/a.raw')], { bytes: 1000 });
    const meter = new JobMeter(plan, () => now);
    expect(meter.at(0, null)).toEqual({ step: 0, fraction: 0, bytesPerSecond: null, secondsLeft: null });
    now = 2000;
    const half = meter.at(0, 0.5);
    // The convert is nearly the whole job; the rename after it is short.
    expect(half.fraction).toBeCloseTo(0.5 / 1.02, 5);
    expect(half.bytesPerSecond).toBe(Math.round((0.5 / 1.02 / 2) * 1000));
    expect(half.secondsLeft).toBeCloseTo(2.1, 1);
    now = 4000;
    expect(meter.at(1, null).fraction).toBeCloseTo(1 / 1.02, 5);
    expect(meter.at(2, null).fraction).toBe(1);
  });

  it('says no bytes/s for a plan that copies nothing, and moves past short steps', () => {
    let now = 0;
    const meter = new JobMeter(planOf([trash('/vm/a'), trash('/vm/b')]), () => now);
    meter.at(0, null);
    now = 100;
    expect(meter.at(1, null)).toMatchObject({ fraction: 0.5, bytesPerSecond: null, secondsLeft: 0.1 });
  });
});
