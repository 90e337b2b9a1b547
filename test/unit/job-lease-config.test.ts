import { ConfigError, loadConfig } from '../../src/config';

const GUID = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;
const valid = { BOT_ID: GUID(1), BOT_PASSWORD: 'x', GRAPH_TENANT_ID: GUID(2), GRAPH_CLIENT_ID: GUID(3), GRAPH_CLIENT_SECRET: 'y', APPROVER_IDS: GUID(4) };
const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

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
