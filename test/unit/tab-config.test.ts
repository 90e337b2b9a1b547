import { loadConfig, redactedSummary } from '../../src/config';
import { GUID, VALID_ENV as valid, configProblems as problems } from '../support/config-env';
import { v1IssuerFor } from '../../src/adapters/entra/entra-user-token-verifier';

describe('configuration: the tab API (TAB_*)', () => {
  it('is off without TAB_APP_ID', () => {
    expect(loadConfig(valid).tab).toBeNull();
    expect(redactedSummary(loadConfig(valid)).tab).toBe('off');
  });

  it('takes the tab app id, its Application ID URI, the authority (default: GRAPH_AUTHORITY_HOST) and a rate limit', () => {
    const app = 'ABCDEF00-0000-4000-8000-000000000001';
    expect(loadConfig({ ...valid, TAB_APP_ID: app }).tab).toEqual({
      appId: app.toLowerCase(),
      appIdUri: null,
      authorityHost: 'https://login.microsoftonline.com',
      rateLimitPerMinute: 120,
    });
    expect(
      loadConfig({
        ...valid,
        TAB_APP_ID: app,
        TAB_APP_ID_URI: `api://soa.contoso.com/${app}/`,
        TAB_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
        TAB_RATE_LIMIT_PER_MINUTE: '30',
      }).tab,
    ).toEqual({
      appId: app.toLowerCase(),
      appIdUri: `api://soa.contoso.com/${app}`,
      authorityHost: 'https://login.microsoftonline.us',
      rateLimitPerMinute: 30,
    });
    expect(loadConfig({ ...valid, TAB_APP_ID: app, GRAPH_AUTHORITY_HOST: 'https://login.chinacloudapi.cn' }).tab?.authorityHost).toBe(
      'https://login.chinacloudapi.cn',
    );
  });

  it('lists every bad TAB_ setting', () => {
    expect(problems({ ...valid, TAB_APP_ID: 'not-a-guid' }).join('\n')).toMatch(/TAB_APP_ID/);
    const all = problems({
      ...valid,
      TAB_APP_ID_URI: 'https://soa.contoso.com/app',
      TAB_AUTHORITY_HOST: 'http://login.example',
      TAB_RATE_LIMIT_PER_MINUTE: '0',
    });
    expect(all.join('\n')).toMatch(/TAB_APP_ID_URI must be the tab app's Application ID URI/);
    expect(all.join('\n')).toMatch(/TAB_AUTHORITY_HOST must be an https URL/);
    expect(all.join('\n')).toMatch(/TAB_RATE_LIMIT_PER_MINUTE/);
    expect(problems({ ...valid, TAB_APP_ID_URI: `api://soa.contoso.com/${GUID(9)}` })).toEqual([
      'TAB_APP_ID_URI is set but TAB_APP_ID is not: set the tab app registration id too.',
    ]);
  });

  it('knows the v1 issuer of each cloud', () => {
    expect(v1IssuerFor('https://login.microsoftonline.com', 't')).toBe('https://sts.windows.net/t/');
    expect(v1IssuerFor('https://login.chinacloudapi.cn', 't')).toBe('https://sts.chinacloudapi.cn/t/');
    expect(v1IssuerFor('https://localhost:8443', 't')).toBe('https://sts.windows.net/t/');
  });
});
