import { loadConfig } from '../../src/config';
import { VALID_ENV as valid, configProblems as problems } from '../support/config-env';

describe('JOB_LEASE', () => {
  it('is 30 s by default (it was 2 min: a crashed instance held its work that long)', () => {
    expect(loadConfig(valid).jobLeaseMs).toBe(30_000);
    expect(loadConfig({ ...valid, JOB_LEASE: '45s' }).jobLeaseMs).toBe(45_000);
  });

  it('is at least 1 s and at most 10 min', () => {
    expect(problems({ ...valid, JOB_LEASE: '500ms' }).join('\n')).toMatch(/JOB_LEASE: expected a duration .*at least 1000 ms/);
    expect(problems({ ...valid, JOB_LEASE: '11m' }).join('\n')).toMatch(/JOB_LEASE must be at most 10m/);
    expect(problems({ ...valid, JOB_LEASE: 'soon' }).join('\n')).toMatch(/JOB_LEASE/);
    expect(problems({ ...valid, JOB_LEASE: '10m' })).toEqual([]);
  });
});
