import { loadConfig, redactedSummary } from '../../src/config';
import { VALID_ENV as valid, configProblems as problems } from '../support/config-env';

describe('configuration: the safeguard switch (SAFEGUARD_SWITCH)', () => {
  const obo = {
    SAFEGUARD_SWITCH: 'obo',
    TAB_APP_ID: 'abcdef00-0000-4000-8000-000000000001',
    TAB_CLIENT_SECRET: 's3cret-value',
    TEAMS_APP_ID: 'ABCDEF00-0000-4000-8000-0000000000A2',
  };

  it('is manual by default, reminders hourly', () => {
    expect(loadConfig(valid).safeguard).toEqual({ mode: 'manual', oboClientSecret: null, teamsAppId: null, reminderIntervalMs: 3_600_000 });
  });

  it('obo takes the tab app, its secret and the Teams app id; the secret is never in the summary', () => {
    const config = loadConfig({ ...obo, ...valid, ...obo, SAFEGUARD_REMINDER_INTERVAL: '30m' });
    expect(config.safeguard).toEqual({
      mode: 'obo',
      oboClientSecret: 's3cret-value',
      teamsAppId: 'abcdef00-0000-4000-8000-0000000000a2',
      reminderIntervalMs: 1_800_000,
    });
    expect(JSON.stringify(redactedSummary(config))).not.toContain('s3cret-value');
    expect(redactedSummary(config).safeguardSwitch).toMatchObject({ mode: 'obo', tabClientSecretSet: true });
  });

  it('refuses obo without what the exchange needs, and an unknown mode, at start', () => {
    expect(problems({ ...valid, SAFEGUARD_SWITCH: 'obo' }).join('\n')).toMatch(/SAFEGUARD_SWITCH=obo needs TAB_APP_ID, TAB_CLIENT_SECRET, TEAMS_APP_ID/);
    expect(problems({ ...valid, ...obo, TAB_CLIENT_SECRET: '' }).join('\n')).toMatch(/SAFEGUARD_SWITCH=obo needs TAB_CLIENT_SECRET:/);
    expect(problems({ ...valid, SAFEGUARD_SWITCH: 'auto' }).join('\n')).toMatch(/SAFEGUARD_SWITCH/);
    expect(problems({ ...valid, SAFEGUARD_REMINDER_INTERVAL: '10ms' }).join('\n')).toMatch(/SAFEGUARD_REMINDER_INTERVAL/);
  });
});
