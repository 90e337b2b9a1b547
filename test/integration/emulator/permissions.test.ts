import { Client } from '@microsoft/microsoft-graph-client';
import { RunningEmulator, startGraphEmulator } from '../../../emulator';
import { graphClient, graphFailure } from './emulator-harness';
import { IDS, testTenant } from './fixtures';

// 403 Authorization_RequestDenied when the token's roles lack what the call needs (docs/soa-and-graph.md §2 table).
describe('application permissions', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startGraphEmulator({ seed: testTenant(), grantedRoles: [] });
  });
  afterAll(() => emu.close());

  /** MSAL caches tokens per credential: a fresh client picks up the roles granted now. */
  function clientWith(roles: string[]): Client {
    emu.control.setGrantedRoles(roles);
    return graphClient(emu);
  }

  const calls: [string, string, (c: Client) => Promise<unknown>][] = [
    ['GET user', 'User.Read.All', (c) => c.api(`/users/${IDS.synced}`).get()],
    ['GET SOA', 'User-OnPremisesSyncBehavior.ReadWrite.All', (c) => c.api(`/users/${IDS.synced}/onPremisesSyncBehavior`).get()],
    ['PATCH SOA', 'User-OnPremisesSyncBehavior.ReadWrite.All', (c) => c.api(`/users/${IDS.synced}/onPremisesSyncBehavior`).patch({ isCloudManaged: true })],
    ['GET domain', 'Domain.Read.All', (c) => c.api('/domains/contoso.com').get()],
    ['checkMemberGroups', 'GroupMember.Read.All', (c) => c.api(`/users/${IDS.synced}/checkMemberGroups`).post({ groupIds: [IDS.groupA] })],
    ['memberOf', 'GroupMember.Read.All', (c) => c.api(`/users/${IDS.synced}/memberOf/microsoft.graph.group`).get()],
    ['directoryAudits', 'AuditLog.Read.All', (c) => c.api('/auditLogs/directoryAudits').get()],
    ['group SOA', 'Group-OnPremisesSyncBehavior.ReadWrite.All', (c) => c.api(`/groups/${IDS.syncedGroup}/onPremisesSyncBehavior`).get()],
    ['catalogs', 'EntitlementManagement.Read.All', (c) => c.api('/identityGovernance/entitlementManagement/catalogs').get()],
    ['accessPackages', 'EntitlementManagement.Read.All', (c) => c.api('/identityGovernance/entitlementManagement/accessPackages').get()],
  ];

  it.each(calls)('%s: 403 without %s, allowed with it', async (_name, role, call) => {
    emu.control.reset();
    const err = await graphFailure(call(clientWith([])));
    expect(err).toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });
    await expect(call(clientWith([role])).then(() => 'allowed')).resolves.toBe('allowed');
  });

  it('Directory.Read.All covers reads but not the SOA switch (no read-only variant exists)', async () => {
    const c = clientWith(['Directory.Read.All']);
    await expect(c.api(`/users/${IDS.synced}`).get()).resolves.toMatchObject({ id: IDS.synced });
    await expect(c.api(`/users/${IDS.synced}/checkMemberGroups`).post({ groupIds: [IDS.groupA] })).resolves.toMatchObject({ value: [IDS.groupA] });
    expect((await graphFailure(c.api(`/users/${IDS.synced}/onPremisesSyncBehavior`).get())).statusCode).toBe(403);
  });

  it('checks roles before existence: 403 rather than 404 for an unknown user', async () => {
    const err = await graphFailure(clientWith([]).api('/users/nobody@contoso.com').get());
    expect(err.statusCode).toBe(403);
  });
});
