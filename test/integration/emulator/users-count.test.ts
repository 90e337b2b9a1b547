import { graphClient, graphFailure, useEmulator } from './emulator-harness';
import { testTenant } from './fixtures';

// GET /users/$count is an advanced query (learn.microsoft.com/graph/aad-advanced-queries): Graph answers a
// bare number with ConsistencyLevel: eventual, and 400 without it. The bot's progress view relies on both.
describe('GET /users/$count', () => {
  const { emu, graph } = useEmulator({ seed: testTenant() });
  const syncedInState = () => [...emu().state.users.values()].filter((u) => u.onPremisesSyncEnabled === true).length;

  it('counts the users with onPremisesSyncEnabled true, as text/plain, with ConsistencyLevel: eventual', async () => {
    const res = (await graph()
      .api('/users/$count')
      .filter('onPremisesSyncEnabled eq true')
      .header('ConsistencyLevel', 'eventual')
      .responseType('raw' as never)
      .get()) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const expected = syncedInState();
    expect(expected).toBeGreaterThan(0);
    expect(await res.text()).toBe(String(expected));
    // A transferred user is no longer counted.
    const [first] = [...emu().state.users.values()].filter((u) => u.onPremisesSyncEnabled === true);
    first.onPremisesSyncEnabled = false;
    const after = (await graph()
      .api('/users/$count')
      .filter('onPremisesSyncEnabled eq true')
      .header('ConsistencyLevel', 'eventual')
      .responseType('raw' as never)
      .get()) as Response;
    expect(await after.text()).toBe(String(expected - 1));
  });

  it('is a 400 without the ConsistencyLevel header, as in Graph', async () => {
    const err = await graphFailure(graph().api('/users/$count').filter('onPremisesSyncEnabled eq true').get());
    expect(err.statusCode).toBe(400);
    expect(err.message).toMatch(/ConsistencyLevel/);
  });

  it('refuses filters it does not know, and needs a user-read permission', async () => {
    const err = await graphFailure(graph().api('/users/$count').filter("displayName eq 'x'").header('ConsistencyLevel', 'eventual').get());
    expect(err.statusCode).toBe(400);
    // A fresh client: the credential caches its token, and the roles are in the token.
    emu().control.setGrantedRoles(['Domain.Read.All']);
    const denied = await graphFailure(
      graphClient(emu()).api('/users/$count').filter('onPremisesSyncEnabled eq true').header('ConsistencyLevel', 'eventual').get(),
    );
    expect(denied.statusCode).toBe(403);
  });
});
