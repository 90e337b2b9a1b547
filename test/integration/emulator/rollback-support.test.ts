import { Client } from '@microsoft/microsoft-graph-client';
import { DEMO_IDS, DEMO_UPNS, demoTenant } from '../../../emulator';
import { graphClient, graphFailure, useEmulator } from './emulator-harness';

// What the governed rollback (docs/soa-and-graph.md §6) reads: direct cloud-SOA groups, the access packages
// using them, and the tenant safeguard that app tokens cannot touch.
const EM = '/identityGovernance/entitlementManagement';
const { emu, graph } = useEmulator({ seed: demoTenant() });

describe('demo tenant: rollback cases', () => {
  it('erin, judy and ivan are transferred (anchor kept); erin and judy sit in cloud-SOA groups, ivan in none', async () => {
    const select = 'id,onPremisesSyncEnabled,onPremisesImmutableId';
    for (const key of ['erin', 'judy', 'ivan'] as const) {
      const user = await graph().api(`/users/${DEMO_UPNS[key]}`).select(select).get();
      expect(user).toMatchObject({ id: DEMO_IDS.users[key], onPremisesSyncEnabled: null, onPremisesImmutableId: expect.any(String) });
      expect((await graph().api(`/users/${DEMO_IDS.users[key]}/onPremisesSyncBehavior`).select('isCloudManaged').get()).isCloudManaged).toBe(true);
    }
    const groupsOf = async (id: string) =>
      (await graph().api(`/users/${id}/memberOf/microsoft.graph.group`).select('id,displayName,onPremisesSyncEnabled').get()).value;
    expect(await groupsOf(DEMO_IDS.users.erin)).toEqual([{ id: DEMO_IDS.groups.projectFalcon, displayName: 'Project Falcon', onPremisesSyncEnabled: null }]);
    expect(await groupsOf(DEMO_IDS.users.judy)).toEqual([{ id: DEMO_IDS.groups.cloudTeam, displayName: 'Cloud Team', onPremisesSyncEnabled: null }]);
    expect(await groupsOf(DEMO_IDS.users.ivan)).toEqual([]);
    for (const g of [DEMO_IDS.groups.projectFalcon, DEMO_IDS.groups.cloudTeam]) {
      const soa = await graph().api(`/groups/${g}/onPremisesSyncBehavior`).select('isCloudManaged').get();
      expect(soa).toMatchObject({ isCloudManaged: true, '@odata.context': expect.stringContaining(`groups('${g}')/onPremisesSyncBehavior(isCloudManaged)`) });
    }
    expect((await graph().api(`/groups/${DEMO_IDS.groups.sales}/onPremisesSyncBehavior`).get()).isCloudManaged).toBe(false);
  });

  it('the group SOA read also comes in the {value:{...}} shape', async () => {
    emu().control.setBehaviour({ wrapSoaInValue: true });
    const soa = await graph().api(`/groups/${DEMO_IDS.groups.cloudTeam}/onPremisesSyncBehavior`).select('isCloudManaged').get();
    expect(soa.value).toEqual({ isCloudManaged: true });
  });
});

describe('entitlement management: access packages', () => {
  const falconScope = {
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    displayName: 'Root',
    description: 'Root Scope',
    originId: DEMO_IDS.groups.projectFalcon,
    originSystem: 'AadGroup',
    isRootScope: true,
  };

  it.each(['v1.0', 'beta'] as const)("%s: lists a catalog's packages by $filter=catalog/id with role scopes expanded", async (version) => {
    const client = graphClient(emu(), { version });
    const res = await client
      .api(`${EM}/accessPackages`)
      .filter(`catalog/id eq '${DEMO_IDS.catalogs.falcon}'`)
      .expand('resourceRoleScopes($expand=role,scope)')
      .get();
    expect(res.value).toEqual([
      {
        id: DEMO_IDS.accessPackages.falconContractors,
        displayName: 'Falcon contractors',
        description: 'Contractor access to Project Falcon',
        isHidden: false,
        createdDateTime: '2026-01-05T09:00:00Z',
        modifiedDateTime: '2026-01-05T09:00:00Z',
        resourceRoleScopes: [
          {
            id: expect.stringMatching(/^[0-9a-f-]{36}_[0-9a-f-]{36}$/),
            createdDateTime: '2026-01-05T09:00:00Z',
            role: {
              id: expect.any(String),
              displayName: 'Member',
              description: null,
              originSystem: 'AadGroup',
              originId: `Member_${DEMO_IDS.groups.projectFalcon}`,
            },
            scope: falconScope,
          },
        ],
      },
    ]);
    const scopeId = res.value[0].resourceRoleScopes[0].scope.id;
    expect(res.value[0].resourceRoleScopes[0].id.endsWith(`_${scopeId}`)).toBe(true);
  });

  it('the catalog navigation, one package by id, and the nested expand of scope only', async () => {
    const nav = await graph().api(`${EM}/catalogs/${DEMO_IDS.catalogs.falcon}/accessPackages`).expand('resourceRoleScopes($expand=scope)').get();
    expect(nav.value).toHaveLength(1);
    expect(nav.value[0].resourceRoleScopes[0]).toEqual({ id: expect.any(String), createdDateTime: expect.any(String), scope: falconScope });
    const one = await graph()
      .api(`${EM}/accessPackages/${DEMO_IDS.accessPackages.falconContractors}`)
      .expand('resourceRoleScopes($expand=scope),catalog')
      .get();
    expect(one).toMatchObject({
      id: DEMO_IDS.accessPackages.falconContractors,
      catalog: { id: DEMO_IDS.catalogs.falcon, displayName: 'Project Falcon access' },
    });
    expect(one.resourceRoleScopes[0].scope.originId).toBe(DEMO_IDS.groups.projectFalcon);
  });

  it('without expand there are no role scopes; without the nested expand a role scope has no scope', async () => {
    const plain = await graph().api(`${EM}/accessPackages`).get();
    expect(plain.value[0]).not.toHaveProperty('resourceRoleScopes');
    const shallow = await graph().api(`${EM}/accessPackages`).expand('resourceRoleScopes').get();
    expect(Object.keys(shallow.value[0].resourceRoleScopes[0]).sort()).toEqual(['createdDateTime', 'id']);
    const selected = await graph().api(`${EM}/accessPackages`).select('id,displayName').get();
    expect(selected.value[0]).toEqual({ id: DEMO_IDS.accessPackages.falconContractors, displayName: 'Falcon contractors' });
  });

  it('filters to nothing for another catalog; 400 on unsupported filters or expands; 404 on unknown ids', async () => {
    expect((await graph().api(`${EM}/accessPackages`).filter("catalog/id eq 'O''Brien'").get()).value).toEqual([]);
    expect((await graph().api(`${EM}/catalogs/${DEMO_IDS.catalogs.falcon}/accessPackages`).filter("catalog/id eq 'other'").get()).value).toEqual([]);
    expect((await graphFailure(graph().api(`${EM}/accessPackages`).filter("displayName ne 'x'").get())).statusCode).toBe(400);
    const badExpand = await graphFailure(graph().api(`${EM}/accessPackages`).expand('resourceRoleScopes($expand=nope)').get());
    expect(badExpand).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect((await graphFailure(graph().api(`${EM}/accessPackages`).expand('assignments').get())).statusCode).toBe(400);
    expect((await graphFailure(graph().api(`${EM}/catalogs/nope/accessPackages`).get())).statusCode).toBe(404);
    expect((await graphFailure(graph().api(`${EM}/accessPackages/nope`).get())).statusCode).toBe(404);
  });

  it('catalog resources: Project Falcon is one, Cloud Team is none', async () => {
    const resources = (originId: string) => graph().api(`${EM}/catalogs/${DEMO_IDS.catalogs.falcon}/resources`).filter(`originId eq '${originId}'`).get();
    expect((await resources(DEMO_IDS.groups.projectFalcon)).value).toEqual([
      expect.objectContaining({ originId: DEMO_IDS.groups.projectFalcon, originSystem: 'AadGroup' }),
    ]);
    expect((await resources(DEMO_IDS.groups.cloudTeam)).value).toEqual([]);
  });
});

describe('paging', () => {
  const seed = demoTenant();
  const many = Array.from({ length: 5 }, (_, i) => `cafe0000-0000-4000-8000-00000000000${i}`);
  beforeEach(() => {
    emu().control.seed({
      ...seed,
      groups: [...(seed.groups ?? []), ...many.map((id, i) => ({ id, displayName: `extra ${i}`, members: [DEMO_IDS.users.ivan] }))],
    });
  });

  async function follow(client: Client, path: string, select?: string): Promise<{ ids: string[]; pages: number; links: string[] }> {
    let req = client.api(path);
    if (select) req = req.select(select);
    const ids: string[] = [];
    const links: string[] = [];
    for (let pages = 1; ; pages++) {
      const body = await req.get();
      ids.push(...body.value.map((v: { id: string }) => v.id));
      const next = body['@odata.nextLink'];
      if (!next) return { ids, pages, links };
      links.push(next);
      req = client.api(next);
    }
  }

  it('memberOf pages with behaviour.pageSize; nextLinks stay on the emulator origin and keep $select', async () => {
    emu().control.setBehaviour({ pageSize: 2 });
    const out = await follow(graph(), `/users/${DEMO_IDS.users.ivan}/memberOf/microsoft.graph.group`, 'id,displayName');
    expect(out.ids).toEqual(many);
    expect(out.pages).toBe(3);
    for (const link of out.links) {
      expect(link.startsWith(`${emu().baseUrl}/v1.0/users/${DEMO_IDS.users.ivan}/memberOf/microsoft.graph.group?`)).toBe(true);
      expect(link).toContain('$select=id%2CdisplayName');
      expect(link).toMatch(/\$skiptoken=/);
    }
  });

  it('$top caps a page (the server page size wins when smaller); invalid $top and $skiptoken are 400', async () => {
    const top2 = await graph().api(`/users/${DEMO_IDS.users.ivan}/memberOf`).top(2).get();
    expect(top2.value).toHaveLength(2);
    expect(top2['@odata.nextLink']).toContain('$top=2');
    emu().control.setBehaviour({ pageSize: 1 });
    expect((await graph().api(`/users/${DEMO_IDS.users.ivan}/memberOf`).top(999).get()).value).toHaveLength(1);
    expect((await graphFailure(graph().api(`/users/${DEMO_IDS.users.ivan}/memberOf`).top(1000).get())).statusCode).toBe(400);
    expect((await graphFailure(graph().api(`/users/${DEMO_IDS.users.ivan}/memberOf?$skiptoken=garbage`).get())).statusCode).toBe(400);
  });

  it('entitlement-management lists page too', async () => {
    emu().control.seed({
      ...seed,
      catalogs: [
        ...(seed.catalogs ?? []),
        {
          id: 'cafe0001-0000-4000-8000-000000000001',
          displayName: 'Second',
          accessPackages: [{ id: 'cafe0002-0000-4000-8000-000000000001', displayName: 'P2', groupIds: [] }],
        },
      ],
    });
    emu().control.setBehaviour({ pageSize: 1 });
    expect((await follow(graph(), `${EM}/catalogs`)).pages).toBe(2);
    expect((await follow(graph(), `${EM}/accessPackages`)).ids).toEqual([DEMO_IDS.accessPackages.falconContractors, 'cafe0002-0000-4000-8000-000000000001']);
  });
});

describe('tenant safeguard (/directory/onPremisesSynchronization)', () => {
  const paths = ['/directory/onPremisesSynchronization', `/directory/onPremisesSynchronization/${DEMO_IDS.tenant}`];

  it.each(['beta', 'v1.0'] as const)('%s: GET and PATCH are 403 for app tokens, even with every role granted', async (version) => {
    emu().control.setGrantedRoles(['OnPremDirectorySynchronization.ReadWrite.All', 'OnPremDirectorySynchronization.Read.All', 'Directory.ReadWrite.All']);
    const client = graphClient(emu(), { version });
    for (const path of paths) {
      const get = await graphFailure(client.api(path).get());
      expect(get).toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });
      const patch = await graphFailure(client.api(path).patch({ features: { blockCloudObjectTakeoverThroughHardMatchEnabled: false } }));
      expect(patch).toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied' });
    }
    expect(emu().control.tenantSettings()).toEqual({ blockCloudObjectTakeoverThroughHardMatchEnabled: true });
  });

  it('a rolled-back user is taken over by the sync cycle only while the safeguard is off', async () => {
    const ivan = DEMO_IDS.users.ivan;
    await graph().api(`/users/${ivan}/onPremisesSyncBehavior`).patch({ isCloudManaged: false });
    expect(emu().control.getUser(ivan)).toMatchObject({ isCloudManaged: false, onPremisesSyncEnabled: null });

    const blocked = emu().control.runSyncCycle();
    expect(blocked.blockedBySafeguard).toContain(ivan);
    expect(blocked.takenOver).not.toContain(ivan);
    expect(emu().control.getUser(ivan)?.onPremisesSyncEnabled).toBeNull();

    emu().control.setTenantSettings({ blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    const taken = emu().control.runSyncCycle();
    expect(taken.takenOver).toContain(ivan);
    // Transferred users stay out of the takeover.
    expect(taken.takenOver).not.toContain(DEMO_IDS.users.erin);
    expect(taken.takenOver).not.toContain(DEMO_IDS.users.judy);
    const user = await graph().api(`/users/${ivan}`).select('id,onPremisesSyncEnabled,onPremisesImmutableId').get();
    expect(user).toMatchObject({ onPremisesSyncEnabled: true, onPremisesImmutableId: expect.any(String) });
    expect((await graph().api(`/users/${ivan}/onPremisesSyncBehavior`).get()).isCloudManaged).toBe(false);
  });

  it('the control API reads and sets the safeguard over HTTP and rejects anything else', async () => {
    const control = async (method: string, body?: unknown) => {
      const res = await fetch(`${emu().baseUrl}/_control/tenant-settings`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    expect(await control('GET')).toEqual({ status: 200, body: { blockCloudObjectTakeoverThroughHardMatchEnabled: true } });
    expect(await control('PATCH', { blockCloudObjectTakeoverThroughHardMatchEnabled: false })).toEqual({
      status: 200,
      body: { blockCloudObjectTakeoverThroughHardMatchEnabled: false },
    });
    expect((await control('PATCH', { blockCloudObjectTakeoverThroughHardMatchEnabled: 'no' })).status).toBe(400);
    expect((await control('PATCH', { somethingElse: true })).status).toBe(400);
    expect(emu().control.tenantSettings().blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(false);
  });
});
