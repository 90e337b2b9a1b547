import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { aPreflightResult, aTarget, aRequest } from '../../support/builders';
import { RequestKind, SoaRequest } from '../../../src/domain/soa-request';
import { ExecutionOutcome } from '../../../src/domain/soa-request';
import { tabCall, tabEnv, userToken } from '../../support/tab-client';

/**
 * GET /api/tab/progress: users the bot changed per week from the store, and the users AD DS still
 * manages from Graph's /users/$count, cached for an hour by the clock port, one refresh at a time.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('tab API: progress', () => {
  let h: BotHarness;
  const call = (oid: string) => tabCall(h, '/api/tab/progress', { token: userToken(h, oid) });
  const countCalls = () => h.emulator.control.calls().filter((c) => c.method === 'GET' && c.path.startsWith('/users/$count')).length;
  const syncedInTenant = () => [...h.emulator.state.users.values()].filter((u) => u.onPremisesSyncEnabled === true).length;
  let seq = 0;

  /** A request with users finished at `at` with the given outcomes. */
  async function executed(kind: RequestKind, at: Date, outcomes: ExecutionOutcome[], targetType: 'user' | 'group' = 'user'): Promise<void> {
    const id = `SOA-P${String(seq++).padStart(3, '0')}`;
    const createdAt = new Date(at.getTime() - HOUR).toISOString();
    const request: SoaRequest = aRequest({
      id,
      kind,
      targetType,
      status: 'completed',
      createdAt,
      expiresAt: new Date(at.getTime() + DAY).toISOString(),
      targets: outcomes.map((outcome, i) =>
        aTarget({
          preflight: aPreflightResult({ upn: `p${seq}-${i}@contoso.com`, userId: `${id}-${i}` }),
          execution: { outcome, finishedAt: at.toISOString() },
        }),
      ),
    });
    await h.app.deps.requests.create(request, { requestId: id, at: createdAt, type: 'request.created', data: {} });
  }

  beforeAll(async () => {
    h = await startBotHarness({ env: tabEnv({ ADMIN_IDS: PEOPLE.ben.aadObjectId }) });
  });
  afterAll(() => h.stop());

  it('counts users and groups changed by the bot per week (Monday, UTC), transfers and rollbacks apart', async () => {
    const now = h.clock.now();
    const lastWeek = new Date(now.getTime() - 7 * DAY);
    await executed('transfer', now, ['done', 'done', 'already-done', 'failed']);
    await executed('transfer', lastWeek, ['done', 'done', 'done']);
    await executed('rollback', lastWeek, ['done', 'unknown']);
    await executed('transfer', new Date(now.getTime() - 200 * DAY), ['done']); // before the chart
    await executed('transfer', now, ['done', 'done', 'failed'], 'group');
    await executed('rollback', lastWeek, ['done'], 'group');

    const response = await call(PEOPLE.rita.aadObjectId);
    expect(response.status).toBe(200);
    const weeks = response.json.weeks as {
      weekStart: string;
      usersTransferred: number;
      usersRolledBack: number;
      groupsTransferred: number;
      groupsRolledBack: number;
    }[];
    expect(weeks).toHaveLength(12);
    for (const w of weeks) expect(new Date(`${w.weekStart}T00:00:00Z`).getUTCDay()).toBe(1);
    const current = weeks[11];
    expect(Date.parse(`${current.weekStart}T00:00:00Z`)).toBeLessThanOrEqual(now.getTime());
    expect(now.getTime() - Date.parse(`${current.weekStart}T00:00:00Z`)).toBeLessThan(7 * DAY);
    expect(current).toMatchObject({ usersTransferred: 2, usersRolledBack: 0, groupsTransferred: 2, groupsRolledBack: 0 });
    expect(weeks[10]).toMatchObject({ usersTransferred: 3, usersRolledBack: 1, groupsTransferred: 0, groupsRolledBack: 1 });
    expect(weeks.slice(0, 10).every((w) => w.usersTransferred === 0 && w.usersRolledBack === 0)).toBe(true);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('asks Graph for the synced users once an hour, one call at a time, and says when it failed', async () => {
    const before = countCalls();
    const first = (await call(PEOPLE.rita.aadObjectId)).json.stillSynced;
    expect(first).toEqual({ users: syncedInTenant(), checkedAt: expect.any(String) });
    expect(first.users).toBeGreaterThan(0);
    const afterFirst = countCalls();
    expect(afterFirst - before).toBeLessThanOrEqual(1); // the first test may already have filled the cache

    // Within the hour: the cached number, no Graph call, even when the tenant changed meanwhile.
    const [one] = [...h.emulator.state.users.values()].filter((u) => u.onPremisesSyncEnabled === true);
    one.onPremisesSyncEnabled = false;
    h.clock.advance(59 * 60_000);
    expect((await call(PEOPLE.adam.aadObjectId)).json.stillSynced).toEqual(first);
    expect(countCalls()).toBe(afterFirst);

    // After the hour: one new call, even for several people asking at once.
    h.clock.advance(2 * 60_000);
    const answers = await Promise.all([call(PEOPLE.rita.aadObjectId), call(PEOPLE.adam.aadObjectId), call(PEOPLE.ben.aadObjectId)]);
    expect(countCalls()).toBe(afterFirst + 1);
    for (const a of answers) expect(a.json.stillSynced.users).toBe(first.users - 1);
    // The header Graph requires was sent.
    const sent = h.emulator.control
      .calls()
      .filter((c) => c.path.startsWith('/users/$count'))
      .at(-1)!;
    expect(sent.status).toBe(200);

    // Graph failing: no number, the reason, and no caching of the failure.
    h.clock.advance(2 * HOUR);
    h.emulator.control.injectFault({ method: 'GET', pathPattern: '^/users/\\$count$', status: 403, graphCode: 'Authorization_RequestDenied', times: 1 });
    const failed = (await call(PEOPLE.rita.aadObjectId)).json.stillSynced;
    expect(failed).toEqual({ users: null, checkedAt: null, error: expect.stringMatching(/User\.Read\.All/) });
    expect((await call(PEOPLE.rita.aadObjectId)).json.stillSynced.users).toBe(first.users - 1);
  });

  it('only people with a role', async () => {
    expect((await call('5d0a0001-0000-4000-8000-000000000003')).status).toBe(403);
    expect((await call(PEOPLE.ben.aadObjectId)).status).toBe(200);
  });
});
