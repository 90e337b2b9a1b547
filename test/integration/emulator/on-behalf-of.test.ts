import { OnBehalfOfCredential } from '@azure/identity';
import { DEMO_IDS, ROLE_TEMPLATES, demoTenant } from '../../../emulator';
import { graphClient, graphFailure, useEmulator } from './emulator-harness';

/**
 * The on-behalf-of grant of the local Entra stand-in, driven by the REAL @azure/identity
 * OnBehalfOfCredential, and the tenant safeguard route (docs/soa-and-graph.md §6: delegated only, Global
 * Administrator only, OnPremDirectorySynchronization.ReadWrite.All).
 */
const TAB_APP = {
  clientId: '7ab00000-0000-4000-8000-00000000a7ab',
  clientSecret: 'tab-secret-for-tests',
  consentedScopes: ['OnPremDirectorySynchronization.ReadWrite.All'],
};
const SCOPE = 'https://graph.microsoft.com/OnPremDirectorySynchronization.ReadWrite.All';
const { emu } = useEmulator({ seed: demoTenant(), delegatedApps: [TAB_APP] });
const { rita, adam } = DEMO_IDS.users;

const ssoToken = (oid: string, extra: Record<string, unknown> = {}) => emu().userTokens.mint({ audience: TAB_APP.clientId, oid, ...extra });
// disableInstanceDiscovery is honoured at run time but missing from OnBehalfOfCredential's option types.
const noDiscovery = { disableInstanceDiscovery: true };
const obo = (assertion: string, secret = TAB_APP.clientSecret) =>
  new OnBehalfOfCredential({
    tenantId: emu().tenantId,
    clientId: TAB_APP.clientId,
    clientSecret: secret,
    userAssertionToken: assertion,
    authorityHost: emu().authorityHost,
    retryOptions: { maxRetries: 0 },
    ...noDiscovery,
  });
const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
const PATH = `/directory/onPremisesSynchronization/${DEMO_IDS.tenant}`;
const off = { features: { blockCloudObjectTakeoverThroughHardMatchEnabled: false } };

beforeEach(() => {
  emu().control.setRoleAssignments([{ principalId: rita, roleDefinitionId: ROLE_TEMPLATES.globalAdministrator, kind: 'active' }]);
});

describe('on-behalf-of grant', () => {
  it("exchanges a person's SSO token for a delegated Graph token with the consented scope and their role ids", async () => {
    const { token } = (await obo(ssoToken(rita)).getToken(SCOPE))!;
    expect(claims(token)).toMatchObject({
      aud: 'https://graph.microsoft.com',
      oid: rita,
      idtyp: 'user',
      scp: 'OnPremDirectorySynchronization.ReadWrite.All',
      wids: [ROLE_TEMPLATES.globalAdministrator],
      appid: TAB_APP.clientId,
    });
  });

  it('refuses a wrong secret, an assertion for another audience, an app-shaped token, an unconsented scope', async () => {
    await expect(obo(ssoToken(rita), 'wrong').getToken(SCOPE)).rejects.toThrow(/7000215/);
    await expect(obo(emu().userTokens.mint({ audience: 'someone-else', oid: rita })).getToken(SCOPE)).rejects.toThrow(/50013/);
    await expect(obo(ssoToken(rita, { scp: null })).getToken(SCOPE)).rejects.toThrow(/50013/);
    await expect(obo(ssoToken(rita)).getToken('https://graph.microsoft.com/User.ReadWrite.All')).rejects.toThrow(/65001/);
  });
});

describe('tenant safeguard with a delegated token', () => {
  it('a Global Administrator reads and switches it (PATCH 204, read back)', async () => {
    const client = graphClient(emu(), { credential: obo(ssoToken(rita)), version: 'beta' });
    // graphClient asks for /.default: the consented scopes.
    expect((await client.api(PATH).get()).features.blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(true);
    await client.api(PATH).patch(off);
    expect(emu().control.tenantSettings().blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(false);
    expect((await client.api(PATH).get()).features.blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(false);
  });

  it('a person who is not a Global Administrator (eligible only counts as not) is refused 403', async () => {
    emu().control.setRoleAssignments([{ principalId: adam, roleDefinitionId: ROLE_TEMPLATES.globalAdministrator, kind: 'eligible' }]);
    const client = graphClient(emu(), { credential: obo(ssoToken(adam)), version: 'beta' });
    expect(await graphFailure(client.api(PATH).patch(off))).toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied' });
    expect(emu().control.tenantSettings().blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(true);
  });

  it('an app token is refused even with the permission named in its roles', async () => {
    emu().control.setGrantedRoles(['OnPremDirectorySynchronization.ReadWrite.All', 'Directory.ReadWrite.All']);
    expect(await graphFailure(graphClient(emu(), { version: 'beta' }).api(PATH).patch(off))).toMatchObject({
      statusCode: 403,
      code: 'Authorization_RequestDenied',
    });
    expect(emu().control.tenantSettings().blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(true);
  });
});
