import { graphFailure, useEmulator } from './emulator-harness';
import { DOLLAR_UPN, GUEST_UPN, IDS, QUOTE_UPN, testTenant } from './fixtures';

// Reads the adapter performs (docs/soa-and-graph.md §2) through the real Graph client.
describe('users, domains and memberships', () => {
  const { emu, graph } = useEmulator({ seed: testTenant() });
  const SELECT = 'id,userPrincipalName,onPremisesSyncEnabled,onPremisesImmutableId,onPremisesSamAccountName';

  it('GET /users/{upn} with $select returns only the selected properties plus id', async () => {
    const user = await graph().api('/users/sam@contoso.com').select(['userPrincipalName', 'onPremisesSyncEnabled']).get();
    expect(Object.keys(user).sort()).toEqual(['@odata.context', 'id', 'onPremisesSyncEnabled', 'userPrincipalName']);
    expect(user).toMatchObject({ id: IDS.synced, userPrincipalName: 'sam@contoso.com', onPremisesSyncEnabled: true });
  });

  it('without $select, like v1.0, omits the onPremises* properties', async () => {
    const user = await graph().api(`/users/${IDS.synced}`).get();
    expect(user.displayName).toBe('Sam Synced');
    expect(user).not.toHaveProperty('onPremisesSyncEnabled');
  });

  it('rejects an unknown $select property with 400 (catches typos in the adapter)', async () => {
    const err = await graphFailure(graph().api(`/users/${IDS.synced}`).select('onPremSyncEnabled').get());
    expect(err.statusCode).toBe(400);
    expect(err.message).toContain("Could not find a property named 'onPremSyncEnabled'");
  });

  it("404 Request_ResourceNotFound in Graph's envelope with request ids", async () => {
    const err = await graphFailure(graph().api('/users/nobody@contoso.com').get());
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('Request_ResourceNotFound');
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const call = emu()
      .control.calls()
      .find((c) => c.status === 404);
    expect(call).toMatchObject({ method: 'GET', version: 'v1.0', path: '/users/nobody@contoso.com', requestId: err.requestId });
  });

  it('finds a guest UPN with #EXT# sent as %23EXT%23', async () => {
    const user = await graph()
      .api(`/users/${encodeURIComponent(GUEST_UPN)}`)
      .select(SELECT)
      .get();
    expect(user.id).toBe(IDS.guest);
    expect(emu().control.calls().at(-1)?.path).toContain('%23EXT%23');
  });

  it("needs the key form for a UPN starting with '$', and undoubles quotes in it", async () => {
    const plain = await graphFailure(
      graph()
        .api(`/users/${encodeURIComponent(DOLLAR_UPN)}`)
        .get(),
    );
    expect(plain.statusCode).toBe(400);
    const keyed = await graph()
      .api(`/users('${encodeURIComponent(DOLLAR_UPN)}')`)
      .select(SELECT)
      .get();
    expect(keyed.id).toBe(IDS.dollar);
    const quoted = await graph()
      .api(`/users('${encodeURIComponent(QUOTE_UPN.replace(/'/g, "''"))}')`)
      .select('id')
      .get();
    expect(quoted.id).toBe(IDS.quote);
  });

  it('echoes client-request-id and always sends request-id', async () => {
    const res = await graph()
      .api('/users/sam@contoso.com')
      .header('client-request-id', 'abc-123')
      .responseType('raw' as never)
      .get();
    const raw = res as Response;
    expect(raw.headers.get('client-request-id')).toBe('abc-123');
    expect(raw.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the same routes under /beta', async () => {
    const user = await graph().api('/users/sam@contoso.com').version('beta').select('id').get();
    expect(user.id).toBe(IDS.synced);
    expect(emu().control.calls().at(-1)?.version).toBe('beta');
  });

  it('GET /domains/{name} gives authenticationType; unknown domain is 404', async () => {
    await expect(graph().api('/domains/fabrikam.com').get()).resolves.toMatchObject({ id: 'fabrikam.com', authenticationType: 'Federated', isVerified: true });
    await expect(graph().api('/domains/contoso.com').get()).resolves.toMatchObject({ authenticationType: 'Managed' });
    expect((await graphFailure(graph().api('/domains/unknown.example').get())).statusCode).toBe(404);
  });

  it('memberOf lists direct groups; checkMemberGroups is transitive', async () => {
    const memberOf = await graph().api(`/users/${IDS.synced}/memberOf/microsoft.graph.group`).select('id,displayName,onPremisesSyncEnabled').get();
    expect(memberOf.value.map((g: { id: string }) => g.id).sort()).toEqual([IDS.groupB, IDS.syncedGroup].sort());
    expect(Object.keys(memberOf.value[0]).sort()).toEqual(['displayName', 'id', 'onPremisesSyncEnabled']);
    const check = await graph()
      .api(`/users/${IDS.synced}/checkMemberGroups`)
      .post({ groupIds: [IDS.groupA, IDS.cloud, 'ffffffff-0000-4000-8000-000000000000'] });
    expect(check.value).toEqual([IDS.groupA]);
  });

  it('GET /groups/{id} with $select', async () => {
    const g = await graph().api(`/groups/${IDS.syncedGroup}`).select('id,displayName,onPremisesSyncEnabled').get();
    expect(g).toMatchObject({ id: IDS.syncedGroup, displayName: 'Synced Group', onPremisesSyncEnabled: true });
  });
});
