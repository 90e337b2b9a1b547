import { loadConfig, parseDuration, redactedSummary } from '../../src/config';
import { GUID, VALID_ENV as valid, configProblems as problems } from '../support/config-env';

/** What BOT_AUTH_DISABLED=true needs: this machine only, a local Graph emulator. */
const LOCAL_ONLY = { HOST: '127.0.0.1', GRAPH_BASE_URL: 'https://localhost:8443', GRAPH_AUTHORITY_HOST: 'https://localhost:8443' };

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(valid);
    expect(config.port).toBe(3978);
    expect(config.graph).toMatchObject({
      baseUrl: 'https://graph.microsoft.com',
      authorityHost: 'https://login.microsoftonline.com',
      apiVersion: 'v1.0',
      credentialKind: 'client-secret',
    });
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
    expect(loadConfig({ ...rest, ...LOCAL_ONLY, BOT_AUTH_DISABLED: 'true' }).bot).toMatchObject({ authDisabled: true, appId: '' });
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
    const withAt = JSON.stringify(redactedSummary(loadConfig({ ...valid, DATABASE_URL: 'postgres://user:p@ss-123@db/soa' })));
    expect(withAt).not.toContain('ss-123');
    expect(withAt).toContain('postgres://***@db/soa');
    const inQuery = JSON.stringify(redactedSummary(loadConfig({ ...valid, DATABASE_URL: 'postgres://db/soa?password=q-pw-1&sslpassword=q-pw-2' })));
    expect(inQuery).not.toMatch(/q-pw-1|q-pw-2/);
  });
});

describe('configuration: inbound channel', () => {
  const endpoints = {
    ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.azure.cn/v1/.well-known/openidconfiguration',
    ToBotFromChannelTokenIssuer: 'https://api.botframework.azure.cn',
    ToChannelFromBotLoginUrl: 'https://login.partner.microsoftonline.cn/microsoftservices.partner.onmschina.cn',
    ToChannelFromBotOAuthScope: 'https://api.botframework.azure.cn',
    ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.partner.microsoftonline.cn/a55a4d5b-9241-49b1-b4ff-befa8db00269/v2.0/.well-known/openid-configuration',
    OAuthUrl: 'https://token.botframework.azure.cn',
    CallerId: 'urn:botframework:azure',
  };

  it("uses botbuilder's built-in endpoints by default and 20 commands per minute", () => {
    const config = loadConfig(valid);
    expect(config.bot).toMatchObject({ endpoints: null, channelService: null, certificate: null });
    expect(config.rateLimitPerMinute).toBe(60);
    expect(loadConfig({ ...valid, RATE_LIMIT_PER_MINUTE: '5' }).rateLimitPerMinute).toBe(5);
    expect(problems({ ...valid, RATE_LIMIT_PER_MINUTE: '0' }).join('\n')).toMatch(/RATE_LIMIT_PER_MINUTE/);
  });

  it("takes all of botbuilder's endpoint settings, under their own names (e.g. Azure China)", () => {
    const config = loadConfig({ ...valid, ...endpoints, ChannelService: 'https://botframework.azure.cn' });
    expect(config.bot.endpoints).toEqual(endpoints);
    expect(config.bot.channelService).toBe('https://botframework.azure.cn');
    expect(JSON.stringify(redactedSummary(config))).toContain('https://api.botframework.azure.cn');
  });

  it('refuses some endpoint settings without the others, naming the missing ones', () => {
    const { CallerId, OAuthUrl, ...partial } = endpoints;
    const list = problems({ ...valid, ...partial }).join('\n');
    expect(list).toMatch(/OAuthUrl, CallerId are not/);
    expect(list).toMatch(/drop all of its defaults: set all of them/);
    expect(problems({ ...valid, ToBotFromChannelTokenIssuer: 'https://api.botframework.com' }).join('\n')).toMatch(
      /ToBotFromChannelTokenIssuer is set but ToBotFromChannelOpenIdMetadataUrl, /,
    );
  });

  it('knows US Government by ChannelService alone and refuses another ChannelService without endpoints', () => {
    expect(loadConfig({ ...valid, ChannelService: 'https://botframework.azure.us' }).bot).toMatchObject({
      channelService: 'https://botframework.azure.us',
      endpoints: null,
    });
    expect(problems({ ...valid, ChannelService: 'https://botframework.azure.cn' }).join('\n')).toMatch(
      /ChannelService "https:\/\/botframework.azure.cn" has no built-in endpoints.*set all of: ToBotFromChannelOpenIdMetadataUrl/,
    );
  });

  it('wants https for keys and login, except a local issuer on this machine', () => {
    expect(problems({ ...valid, ...endpoints, ToBotFromChannelOpenIdMetadataUrl: 'http://keys.example.com/openid' }).join('\n')).toMatch(
      /ToBotFromChannelOpenIdMetadataUrl must be an https URL/,
    );
    expect(problems({ ...valid, ...endpoints, ToChannelFromBotLoginUrl: 'not a url' }).join('\n')).toMatch(/ToChannelFromBotLoginUrl is not a URL/);
    expect(
      loadConfig({ ...valid, ...endpoints, ToBotFromChannelOpenIdMetadataUrl: 'http://127.0.0.1:8080/v1/.well-known/openidconfiguration' }).bot.endpoints
        ?.ToBotFromChannelOpenIdMetadataUrl,
    ).toMatch(/^http:\/\/127/);
  });

  it('takes a bot certificate instead of a password, as a pair', () => {
    const { BOT_PASSWORD, ...rest } = valid;
    const config = loadConfig({ ...rest, BOT_CERTIFICATE_THUMBPRINT: 'AB12', BOT_CERTIFICATE_PRIVATE_KEY_PATH: '/secrets/bot.key' });
    expect(config.bot).toMatchObject({ appPassword: null, certificate: { thumbprint: 'AB12', privateKeyPath: '/secrets/bot.key' } });
    expect(problems({ ...rest, BOT_CERTIFICATE_THUMBPRINT: 'AB12' }).join('\n')).toMatch(/go together/);
    expect(problems({ ...valid, BOT_CERTIFICATE_THUMBPRINT: 'AB12', BOT_CERTIFICATE_PRIVATE_KEY_PATH: '/k' }).join('\n')).toMatch(
      /Both BOT_PASSWORD and a bot certificate/,
    );
    expect(problems(rest).join('\n')).toMatch(/BOT_PASSWORD is empty/);
  });

  it('downloads files only from SharePoint hosts by default; FILE_DOWNLOAD_HOSTS takes host names and *.domain wildcards', () => {
    expect(loadConfig(valid).fileDownload).toEqual({
      allowedHosts: ['*.sharepoint.com', '*.sharepoint.us', '*.sharepoint-mil.us', '*.dps.mil', '*.sharepoint.cn'],
      timeoutMs: 20_000,
    });
    expect(loadConfig({ ...valid, FILE_DOWNLOAD_HOSTS: 'Contoso-My.SharePoint.com, 127.0.0.1', FILE_DOWNLOAD_TIMEOUT: '5s' }).fileDownload).toEqual({
      allowedHosts: ['contoso-my.sharepoint.com', '127.0.0.1'],
      timeoutMs: 5_000,
    });
    const list = problems({ ...valid, FILE_DOWNLOAD_HOSTS: 'https://contoso.sharepoint.com,*.com,*,evil.example:8443,a/b,*.sharepoint.com,999.1.1.1' }).join(
      '\n',
    );
    expect(list).toMatch(/"https:\/\/contoso.sharepoint.com" is not a host name/);
    expect(list).toMatch(/"\*\.com" is too broad/);
    expect(list).toMatch(/"\*" is not a host name/);
    expect(list).toMatch(/"evil.example:8443" is not a host name/);
    expect(list).toMatch(/"a\/b" is not a host name/);
    expect(list).toMatch(/"999.1.1.1" is not an IPv4 address/);
    expect(list).not.toMatch(/"\*\.sharepoint\.com"/);
  });
});

describe('configuration: BOT_AUTH_DISABLED is for a local bot against local stand-ins only', () => {
  const { BOT_ID, BOT_PASSWORD, ...noBot } = valid;
  const local = { ...noBot, ...LOCAL_ONLY, BOT_AUTH_DISABLED: 'true' };

  it('turns authentication off with exactly "true", on this machine, against a local Graph', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost']) {
      expect(loadConfig({ ...local, HOST: host }).bot).toMatchObject({ authDisabled: true, appId: '', appPassword: null });
    }
    expect(loadConfig({ ...local, GRAPH_BASE_URL: 'https://graph-emulator.test:8443', GRAPH_AUTHORITY_HOST: 'https://127.0.0.1:8443' }).bot.authDisabled).toBe(
      true,
    );
  });

  it('takes no other spelling of true, naming the setting; empty or "false" leave it off', () => {
    for (const value of ['yes', '1', 'TRUE', 'True', 'on', 'y']) {
      expect(problems({ ...local, BOT_AUTH_DISABLED: value }).join('\n')).toMatch(new RegExp(`BOT_AUTH_DISABLED must be exactly "true".*got "${value}"`));
    }
    for (const value of ['', 'false']) {
      expect(problems({ ...local, BOT_AUTH_DISABLED: value }).join('\n')).toMatch(/BOT_ID is empty/);
      expect(loadConfig({ ...valid, BOT_AUTH_DISABLED: value }).bot.authDisabled).toBe(false);
    }
  });

  it('refuses it together with bot credentials instead of dropping them', () => {
    expect(problems({ ...local, BOT_ID: GUID(1), BOT_PASSWORD: 'bot-secret-value' }).join('\n')).toMatch(
      /BOT_AUTH_DISABLED=true cannot be combined with BOT_ID, BOT_PASSWORD/,
    );
    expect(problems({ ...local, BOT_ID: GUID(1) }).join('\n')).toMatch(/BOT_AUTH_DISABLED=true cannot be combined with BOT_ID/);
    expect(problems({ ...local, SECRET_BOT_PASSWORD: 'x' }).join('\n')).toMatch(/BOT_AUTH_DISABLED=true cannot be combined with SECRET_BOT_PASSWORD/);
    expect(problems({ ...local, BOT_CERTIFICATE_THUMBPRINT: 'AB12', BOT_CERTIFICATE_PRIVATE_KEY_PATH: '/k' }).join('\n')).toMatch(
      /BOT_AUTH_DISABLED=true cannot be combined with BOT_CERTIFICATE_THUMBPRINT, BOT_CERTIFICATE_PRIVATE_KEY_PATH/,
    );
    expect(problems({ ...local, BOT_TYPE: 'UserAssignedMsi' }).join('\n')).toMatch(/BOT_AUTH_DISABLED=true cannot be combined with BOT_TYPE=UserAssignedMsi/);
  });

  it('refuses it on a HOST other machines can reach, including the default', () => {
    const { HOST, ...noHost } = local;
    expect(problems(noHost).join('\n')).toMatch(/BOT_AUTH_DISABLED=true needs HOST=127.0.0.1, ::1 or localhost \(got none, i.e. 0.0.0.0\)/);
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'bot.contoso.com', '127.0.0.1.nip.io']) {
      expect(problems({ ...local, HOST: host }).join('\n')).toMatch(new RegExp(`BOT_AUTH_DISABLED=true needs HOST=.*got "${host.replace(/\./g, '\\.')}"`));
    }
  });

  it("refuses it against Microsoft's Graph or Entra, including the defaults", () => {
    const { GRAPH_BASE_URL, GRAPH_AUTHORITY_HOST, ...defaults } = local;
    const list = problems(defaults).join('\n');
    expect(list).toMatch(/BOT_AUTH_DISABLED=true cannot be used against Microsoft's cloud: GRAPH_BASE_URL is https:\/\/graph.microsoft.com \(the default\)/);
    expect(list).toMatch(/GRAPH_AUTHORITY_HOST is https:\/\/login.microsoftonline.com \(the default\)/);
    for (const url of [
      'https://graph.microsoft.com',
      'https://graph.microsoft.us',
      'https://dod-graph.microsoft.us',
      'https://microsoftgraph.chinacloudapi.cn',
      'https://GRAPH.MICROSOFT.COM.',
    ]) {
      expect(problems({ ...local, GRAPH_BASE_URL: url }).join('\n')).toMatch(/BOT_AUTH_DISABLED=true cannot be used against Microsoft's cloud: GRAPH_BASE_URL/);
    }
    for (const url of [
      'https://login.microsoftonline.com',
      'https://login.microsoftonline.us',
      'https://login.chinacloudapi.cn',
      'https://login.partner.microsoftonline.cn',
      'https://login.windows.net',
    ]) {
      expect(problems({ ...local, GRAPH_AUTHORITY_HOST: url }).join('\n')).toMatch(
        /BOT_AUTH_DISABLED=true cannot be used against Microsoft's cloud: GRAPH_AUTHORITY_HOST/,
      );
    }
  });

  it("refuses it against Microsoft's Graph however its host is spelled, and with a managed identity (which ignores GRAPH_AUTHORITY_HOST)", () => {
    // Several trailing dots (TLS accepts the certificate for 'graph.microsoft.com..'), and Microsoft's own .microsoft TLD.
    for (const url of ['https://graph.microsoft.com..', 'https://graph.microsoft.com...:443/', 'https://graph.cloud.microsoft']) {
      expect(problems({ ...local, GRAPH_BASE_URL: url }).join('\n')).toMatch(/BOT_AUTH_DISABLED=true cannot be used against Microsoft's cloud: GRAPH_BASE_URL/);
    }
    const { GRAPH_CLIENT_SECRET, ...noSecret } = local as Record<string, string>;
    expect(problems({ ...noSecret, GRAPH_USE_MANAGED_IDENTITY: 'true' }).join('\n')).toMatch(
      /BOT_AUTH_DISABLED=true cannot be combined with GRAPH_USE_MANAGED_IDENTITY/,
    );
  });
});

describe('configuration: signed download links', () => {
  const SECRET_32 = 'x'.repeat(32);

  it('takes an https base URL (http only on this machine), a secret of at least 32 bytes and a TTL of at most 24 h', () => {
    const config = loadConfig({ ...valid, PUBLIC_BASE_URL: 'https://soabot.contoso.com/', FILE_LINK_SECRET: SECRET_32, FILE_LINK_TTL: '24h' });
    expect(config.bulk).toMatchObject({ publicBaseUrl: 'https://soabot.contoso.com', fileLinkSecret: SECRET_32, fileLinkTtlMs: 24 * 3_600_000 });
    expect(loadConfig(valid).bulk).toMatchObject({ publicBaseUrl: null, fileLinkSecret: null, fileLinkTtlMs: 15 * 60_000 });
    for (const url of ['http://127.0.0.1:3978', 'http://localhost:3978', 'http://[::1]:3978']) {
      expect(loadConfig({ ...valid, PUBLIC_BASE_URL: url }).bulk.publicBaseUrl).toBe(url);
    }
    // 32 bytes in UTF-8, fewer characters.
    expect(loadConfig({ ...valid, FILE_LINK_SECRET: 'é'.repeat(16) }).bulk.fileLinkSecret).toBe('é'.repeat(16));
  });

  it('lists each weak setting', () => {
    const list = problems({ ...valid, PUBLIC_BASE_URL: 'http://soabot.contoso.com', FILE_LINK_SECRET: 'x', FILE_LINK_TTL: '25h' }).join('\n');
    expect(list).toMatch(/PUBLIC_BASE_URL must be an https URL \(http only on localhost\).*got "http:\/\/soabot.contoso.com"/);
    expect(list).toMatch(/FILE_LINK_SECRET must be at least 32 bytes \(it has 1\)/);
    expect(list).toMatch(/FILE_LINK_TTL: expected a duration .*to 86400000 ms.*got "25h"/);
    expect(problems({ ...valid, FILE_LINK_SECRET: 'x'.repeat(31) }).join('\n')).toMatch(/FILE_LINK_SECRET must be at least 32 bytes \(it has 31\)/);
    expect(problems({ ...valid, FILE_LINK_TTL: '2d' }).join('\n')).toMatch(/FILE_LINK_TTL/);
    expect(problems({ ...valid, PUBLIC_BASE_URL: 'soabot.contoso.com' }).join('\n')).toMatch(/PUBLIC_BASE_URL is not a URL/);
    expect(problems({ ...valid, PUBLIC_BASE_URL: 'http://127.0.0.1.nip.io' }).join('\n')).toMatch(/PUBLIC_BASE_URL must be an https URL/);
    expect(problems({ ...valid, PUBLIC_BASE_URL: 'https://u:p@soabot.contoso.com' }).join('\n')).toMatch(/PUBLIC_BASE_URL must be a plain base URL/);
  });
});
