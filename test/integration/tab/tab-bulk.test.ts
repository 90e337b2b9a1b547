import { demoTenant } from '../../../emulator/seeds/demo-tenant';
import { syncedUsers } from '../../../emulator/seeds/builders';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { cardText } from '../../support/card-text';
import { requestInChannel, waitForStatus } from '../bot/flow-helpers';
import { tabCall, tabEnv, userToken } from '../../support/tab-client';

const WAVE = syncedUsers(25, 'contoso.com', { start: 700 });
const OTHER_WAVE = syncedUsers(25, 'contoso.com', { start: 800 });

/** A bulk request approved, halted, resumed and cancelled from the tab, through the card click's use cases. */
describe('tab API: halted waves', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: tabEnv({ WAVES: '1,rest', HALT_FAILURE_RATE: '5%' }) });
    const demo = demoTenant();
    h.emulator.control.seed({ ...demo, users: [...(demo.users ?? []), ...WAVE, ...OTHER_WAVE] });
  });
  afterAll(() => h.stop());

  const call = (person: keyof typeof PEOPLE, path: string, body?: unknown) =>
    tabCall(h, path, { token: userToken(h, PEOPLE[person].aadObjectId, { name: PEOPLE[person].name }), body });
  const upns = (users: typeof WAVE) => users.map((u) => u.userPrincipalName).join('\n');
  const haltOnFirstUser = (users: typeof WAVE) =>
    h.emulator.control.injectFault({
      method: 'PATCH',
      pathPattern: `^/users/${users[0].id}/onPremisesSyncBehavior$`,
      status: 403,
      graphCode: 'Authorization_RequestDenied',
      times: -1,
    });

  it('approve, then resume from the tab: waiting shows the halted wave to approvers, not to its requester', async () => {
    const posted = await requestInChannel(h, `transfer ${upns(WAVE)} reason: tab wave`);
    haltOnFirstUser(WAVE);
    const approve = await call('amy', `/api/tab/requests/${posted.requestId}/decision`, { decision: 'approve', comment: null, version: posted.version });
    expect(approve.status).toBe(200);
    await waitForStatus(h, posted.requestId, 'halted', 30_000);

    const halted = (await h.app.deps.requests.get(posted.requestId))!;
    const waiting = (await call('adam', '/api/tab/waiting')).json.items;
    expect(waiting).toEqual([
      expect.objectContaining({ id: posted.requestId, status: 'halted', action: 'resume-or-cancel', version: halted.cardVersion, users: 25 }),
    ]);
    expect(waiting[0].bulk).toMatchObject({ fingerprint: halted.bulk!.fingerprint, haltedReason: expect.stringMatching(/wave 1/) });
    expect((await call('rita', `/api/tab/requests/${posted.requestId}`)).json.may).toEqual({ decide: false, resume: false, cancel: false });
    expect((await call('adam', `/api/tab/requests/${posted.requestId}`)).json.may).toEqual({ decide: false, resume: true, cancel: true });
    // The failed Graph call is in the detail, with Graph's request id.
    const detail = (await call('adam', `/api/tab/requests/${posted.requestId}`)).json;
    expect(detail.graphCalls).toContainEqual(
      expect.objectContaining({ method: 'PATCH', path: `/v1.0/users/${WAVE[0].id}/onPremisesSyncBehavior`, ok: false, graphRequestId: expect.any(String) }),
    );

    const path = `/api/tab/requests/${posted.requestId}/decision`;
    expect((await call('rita', path, { decision: 'resume', version: halted.cardVersion })).status).toBe(403);
    expect((await call('ben', path, { decision: 'resume', version: halted.cardVersion })).status).toBe(404);
    expect((await call('adam', path, { decision: 'resume', version: halted.cardVersion - 1 })).status).toBe(409);
    h.emulator.control.clearFaults();
    const resumed = await call('adam', path, { decision: 'resume', version: halted.cardVersion });
    expect([resumed.status, resumed.json.text]).toEqual([200, expect.stringMatching(/Resumed by Adam Approver/)]);
    await waitForStatus(h, posted.requestId, 'completed-with-failures', 30_000);
    const events = await h.app.deps.requests.events(posted.requestId);
    expect(events.filter((e) => e.data.via === 'tab').map((e) => [e.type, e.actorId])).toEqual([
      ['decision.approve', PEOPLE.amy.aadObjectId],
      ['bulk.resume', PEOPLE.adam.aadObjectId],
    ]);
    expect(cardText(h.connector.latestCard(posted.activityId))).toMatch(/Completed with failures|failed/i);
  });

  it('cancel from the tab', async () => {
    const posted = await requestInChannel(h, `transfer ${upns(OTHER_WAVE)} reason: tab cancel`);
    haltOnFirstUser(OTHER_WAVE);
    expect((await call('adam', `/api/tab/requests/${posted.requestId}/decision`, { decision: 'approve', version: posted.version })).status).toBe(200);
    await waitForStatus(h, posted.requestId, 'halted', 30_000);
    const halted = (await h.app.deps.requests.get(posted.requestId))!;
    const cancelled = await call('amy', `/api/tab/requests/${posted.requestId}/decision`, { decision: 'cancel', version: halted.cardVersion });
    expect([cancelled.status, cancelled.json.status]).toEqual([200, 'cancelled']);
    expect((await call('adam', '/api/tab/waiting')).json.items).toEqual([]);
    h.emulator.control.clearFaults();
  });
});
