import { join } from 'node:path';
import { DEMO_IDS, demoTenant, RunningEmulator, startGraphEmulator } from '../../../emulator';
import { startChild } from '../../../scripts/support/child-processes';
import { graphClient, graphFailure } from './emulator-harness';

// The control API over HTTP (what the playground and out-of-process tests use), the demo seed, the CLI.
describe('/_control over HTTP', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startGraphEmulator({ seed: demoTenant() });
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.control.reset());

  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emu.baseUrl}/_control/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

    return { status: res.status, body: (await res.json()) as any };
  };

  it('reads users, patches them and runs a sync cycle', async () => {
    expect((await control('GET', 'users/frank@contoso.com')).body).toMatchObject({
      id: DEMO_IDS.users.frank,
      onPremisesSyncEnabled: null,
      isCloudManaged: false,
    });
    expect((await control('POST', 'sync-cycle')).body.blockedBySafeguard).toContain(DEMO_IDS.users.frank);
    await control('PATCH', 'tenant-settings', { blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    expect((await control('POST', 'sync-cycle')).body.takenOver).toEqual([DEMO_IDS.users.frank]);
    await control('PATCH', `users/${DEMO_IDS.users.alice}`, { displayName: 'Alice Renamed' });
    expect(emu.control.getUser('alice@contoso.com')?.displayName).toBe('Alice Renamed');
    expect((await control('GET', 'users/nobody@contoso.com')).status).toBe(404);
  });

  it('injects faults, lists calls, sets roles and the audit delay', async () => {
    const { body } = await control('POST', 'faults', { pathPattern: '^/domains/', status: 404, times: 1 });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await graphFailure(graphClient(emu).api('/domains/contoso.com').get())).statusCode).toBe(404);
    const calls = (await control('GET', 'calls')).body;
    expect(calls.at(-1)).toMatchObject({ method: 'GET', path: '/domains/contoso.com', version: 'v1.0', status: 404, fault: 'status' });
    await control('PUT', 'granted-roles', { roles: ['User.Read.All'] });
    await control('PUT', 'audit-delay', { ms: 5000 });
    expect(emu.state).toMatchObject({ grantedRoles: ['User.Read.All'], auditDelayMs: 5000 });
    expect((await control('DELETE', 'faults')).status).toBe(200);
    expect((await control('GET', 'faults')).body).toEqual([]);
  });

  it('reseeds from a body or by name, and rejects unknown calls', async () => {
    await control('POST', 'seed', { users: [{ id: '99999999-0000-4000-8000-000000000000', userPrincipalName: 'solo@contoso.com' }] });
    expect(emu.state.users.size).toBe(1);
    await control('POST', 'seed/demo');
    expect(emu.state.users.size).toBe(14);
    expect((await control('GET', 'nope')).status).toBe(404);
  });

  it("the demo tenant has one user per SOA state and the bot's people and groups", async () => {
    const graph = graphClient(emu);
    const select = 'id,onPremisesSyncEnabled,onPremisesImmutableId,onPremisesSamAccountName';
    expect(await graph.api('/users/alice@contoso.com').select(select).get()).toMatchObject({
      id: DEMO_IDS.users.alice,
      onPremisesSyncEnabled: true,
      onPremisesSamAccountName: 'alice',
    });
    expect((await graph.api(`/users/${DEMO_IDS.users.erin}/onPremisesSyncBehavior`).get()).isCloudManaged).toBe(true);
    expect(await graph.api('/users/grace@contoso.com').select(select).get()).toMatchObject({ onPremisesSyncEnabled: null, onPremisesImmutableId: null });
    expect((await graph.api('/domains/fabrikam.com').get()).authenticationType).toBe('Federated');
    const check = await graph.api(`/users/${DEMO_IDS.users.amy}/checkMemberGroups`).post({ groupIds: [DEMO_IDS.groups.approvers, DEMO_IDS.groups.requesters] });
    expect(check.value).toEqual([DEMO_IDS.groups.approvers]);
    // Erin's cloud-SOA group is an access-package resource: what the rollback preflight looks for (docs/soa-and-graph.md §6).
    const resources = await graph
      .api(`/identityGovernance/entitlementManagement/catalogs/${DEMO_IDS.catalogs.falcon}/resources`)
      .filter(`originId eq '${DEMO_IDS.groups.projectFalcon}'`)
      .get();
    expect(resources.value).toHaveLength(1);
  });
});

describe('emulator/cli.ts', () => {
  it('prints its connection JSON line and stops on SIGTERM', async () => {
    const root = join(__dirname, '..', '..', '..');
    const child = startChild(
      'emulator CLI',
      process.execPath,
      ['-r', join(__dirname, 'ts-register.js'), join(root, 'emulator', 'cli.ts'), '--port', '0', '--seed', 'demo', '--audit-delay-ms', '5000'],
      {
        cwd: root,
        env: process.env,
        endWithThisProcess: true,
      },
    );
    const line = (await child.waitForLine(/^\{"baseUrl":.*\}$/, 20_000))[0];
    const info = JSON.parse(line);
    expect(info).toMatchObject({ tenantId: DEMO_IDS.tenant, clientId: DEMO_IDS.clientId, baseUrl: expect.stringMatching(/^https:\/\/localhost:\d+$/) });
    const state = await (await fetch(`${info.baseUrl}/_control/state`)).json();
    expect(state).toMatchObject({ auditDelayMs: 5000 });
    child.signal('SIGTERM');
    expect(await child.exited).toBe(0);
  });
});
