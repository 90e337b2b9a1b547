import { ConfigError, loadConfig, parseDuration, redactedSummary } from '../../src/config';

const GUID = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;
const valid = {
  BOT_ID: GUID(1),
  BOT_PASSWORD: 'bot-secret-value',
  GRAPH_TENANT_ID: GUID(2),
  GRAPH_CLIENT_ID: GUID(3),
  GRAPH_CLIENT_SECRET: 'graph-secret-value',
  APPROVER_IDS: `${GUID(4)}, ${GUID(5)}`,
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(valid);
    expect(config.port).toBe(3978);
    expect(config.graph).toMatchObject({ baseUrl: 'https://graph.microsoft.com', authorityHost: 'https://login.microsoftonline.com', apiVersion: 'v1.0', credentialKind: 'client-secret' });
    expect(config.approvalTtlMs).toBe(24 * 3600_000);
    expect(config.auditLookupTimeoutMs).toBe(15 * 60_000);
    expect(config.authorization.approvalsRequired).toBe(1);
    expect(config.authorization.approverIds).toEqual([GUID(4), GUID(5)]);
    expect(config.authorization.allowedTenantIds).toEqual([GUID(2)]);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lists every problem at once', () => {
    const list = problems({ PORT: 'abc', GRAPH_API_VERSION: 'v2', APPROVER_IDS: 'not-a-guid', APPROVAL_TTL: 'tomorrow' });
    expect(list.join('\n')).toMatch(/PORT/);
    expect(list.join('\n')).toMatch(/GRAPH_API_VERSION/);
    expect(list.join('\n')).toMatch(/not-a-guid/);
    expect(list.join('\n')).toMatch(/APPROVAL_TTL/);
    expect(list.length).toBeGreaterThanOrEqual(4);
  });

  it('refuses to start without an approver, naming the settings', () => {
    const { APPROVER_IDS, ...rest } = valid;
    expect(problems(rest).join('\n')).toMatch(/No approver configured: set APPROVER_GROUP_ID .* or APPROVER_IDS/);
  });

  it('refuses an empty BOT_ID unless bot auth is explicitly disabled', () => {
    const { BOT_ID, BOT_PASSWORD, ...rest } = valid;
    expect(problems(rest).join('\n')).toMatch(/BOT_ID is empty/);
    expect(loadConfig({ ...rest, BOT_AUTH_DISABLED: 'true' }).bot).toMatchObject({ authDisabled: true, appId: '' });
  });

  it('needs exactly one Graph credential and https endpoints', () => {
    const { GRAPH_CLIENT_SECRET, ...rest } = valid;
    expect(problems(rest).join('\n')).toMatch(/No Graph credential/);
    expect(problems({ ...valid, GRAPH_CERTIFICATE_PATH: '/x.pem' }).join('\n')).toMatch(/More than one Graph credential/);
    expect(problems({ ...valid, GRAPH_BASE_URL: 'http://graph.local' }).join('\n')).toMatch(/https/);
    expect(loadConfig({ ...rest, GRAPH_CERTIFICATE_PATH: '/x.pem' }).graph.credentialKind).toBe('certificate');
  });

  it('reads durations and the Toolkit SECRET_ names', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('soon')).toBeNull();
    const { BOT_PASSWORD, ...rest } = valid;
    expect(loadConfig({ ...rest, SECRET_BOT_PASSWORD: 'x' }).bot.appPassword).toBe('x');
  });

  it('never puts secrets in the start-up summary', () => {
    const summary = JSON.stringify(redactedSummary(loadConfig({ ...valid, DATABASE_URL: 'postgres://user:pw-123@db/soa' })));
    expect(summary).not.toContain('bot-secret-value');
    expect(summary).not.toContain('graph-secret-value');
    expect(summary).not.toContain('pw-123');
  });
});
