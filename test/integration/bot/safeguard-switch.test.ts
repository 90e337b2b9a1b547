import { ROLE_TEMPLATES } from '../../../emulator';
import { transferredUser } from '../../../emulator/seeds/builders';
import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { cardProblems } from '../../support/card-validation';
import { TAB_APP_ID, tabCall, tabEnv, userToken } from '../../support/tab-client';
import { CHANNEL, DEMO_IDS, PEOPLE, VERBS, click, requestInChannel, waitForStatus, waitForText } from './flow-helpers';

/**
 * SAFEGUARD_SWITCH=obo (docs/soa-and-graph.md §6): a Global Administrator switches the tenant safeguard
 * from Teams. The card links to the tab; the tab's call carries the person's SSO token, which the bot
 * exchanges on their behalf at the local Entra stand-in (the real OnBehalfOfCredential) for a delegated
 * Graph token; the emulator's onPremisesSynchronization route accepts it only from a Global Administrator.
 * Through /api/messages, /api/tab and the emulator, on the test clock.
 */
const TEAMS_APP_ID = '0c0ffee0-0000-4000-8000-00000000a991';
const TAB_SECRET = 'tab-client-secret-for-tests';
const HOUR = 3_600_000;
const BEN = PEOPLE.ben; // a Global Administrator with no role in SOA Bot: Graph, not the bot, decides.

describe('switching the safeguard through the bot (on-behalf-of)', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({
      env: tabEnv({
        SAFEGUARD_SWITCH: 'obo',
        TAB_CLIENT_SECRET: TAB_SECRET,
        TEAMS_APP_ID,
        SAFEGUARD_REMINDER_INTERVAL: '1h',
        ROLLBACK_WATCH_INTERVAL: '5m',
        ROLLBACK_WATCH_TIMEOUT: '24h',
      }),
    });
    h.emulator.control.setDelegatedApps([
      { clientId: TAB_APP_ID, clientSecret: TAB_SECRET, consentedScopes: ['OnPremDirectorySynchronization.ReadWrite.All'] },
    ]);
    h.emulator.control.setRoleAssignments([{ principalId: BEN.aadObjectId, roleDefinitionId: ROLE_TEMPLATES.globalAdministrator, kind: 'active' }]);
  });
  afterAll(() => h.stop());

  const safeguardOn = () => h.emulator.control.tenantSettings().blockCloudObjectTakeoverThroughHardMatchEnabled;
  const switchAs = (
    oid: string,
    requestId: string,
    enabled: boolean,
    token = userToken(h, oid, { name: oid === BEN.aadObjectId ? 'Ben Bystander' : 'Rita Requester' }),
  ) => tabCall(h, `/api/tab/requests/${requestId}/safeguard`, { token, body: { enabled } });
  const reminders = () => h.connector.posts(CHANNEL.id).filter((p) => /^Rollback \S+: switch the tenant safeguard back on\./.test(p.activity.text ?? ''));
  const events = async (id: string) => h.app.deps.requests.events(id);

  it('off and back on by a Global Administrator, with the unprotected window on the record; a non-admin is refused with the reason; reminders stop once it is on', async () => {
    const posted = await requestInChannel(h, 'rollback ivan@contoso.com reason: back to AD');
    expect(cardProblems(posted.card)).toEqual([]);
    const link = JSON.stringify(posted.card).match(/"title":"Switch the safeguard off","url":"([^"]+)"/);
    expect(link?.[1]).toContain(`https://teams.microsoft.com/l/entity/${TEAMS_APP_ID}/requests?context=`);
    expect(decodeURIComponent(link![1])).toContain(`"subEntityId":"safeguard-off:${posted.requestId}"`);

    await click(h, PEOPLE.adam, VERBS.approve, posted);
    await waitForStatus(h, posted.requestId, 'awaiting-safeguard');

    // The tab's detail offers the switch to whoever sees the rollback (Graph decides who succeeds).
    const detailAs = async (oid: string) => (await tabCall(h, `/api/tab/requests/${posted.requestId}`, { token: userToken(h, oid) })).json;
    expect((await detailAs(PEOPLE.rita.aadObjectId)).safeguardSwitch).toEqual({ mode: 'obo', state: 'on', mayTurnOff: true, mayTurnOn: false, window: null });

    // Rita is not a Global Administrator: Graph's 403, explained; nothing changed.
    const refused = await switchAs(PEOPLE.rita.aadObjectId, posted.requestId, false);
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({
      error: 'SAFEGUARD.NOT_GLOBAL_ADMIN',
      message: expect.stringMatching(/only a Global Administrator can switch the tenant safeguard/),
    });
    expect(safeguardOn()).toBe(true);
    expect((await h.app.deps.requests.get(posted.requestId))?.status).toBe('awaiting-safeguard');
    expect((await events(posted.requestId)).find((e) => e.type === 'safeguard.switch-refused')).toMatchObject({
      actorId: PEOPLE.rita.aadObjectId,
      data: { enabled: false, code: 'SAFEGUARD.NOT_GLOBAL_ADMIN' },
    });

    // Ben switches it off: the bot reads it back, the safeguard step is done, the rollback starts.
    const benToken = userToken(h, BEN.aadObjectId, { name: 'Ben Bystander' });
    const off = await switchAs(BEN.aadObjectId, posted.requestId, false, benToken);
    expect(off.status).toBe(200);
    expect(off.json.text).toMatch(/switched off by Ben Bystander \(read back: off\)\. The rollback is approved and starting/);
    expect(safeguardOn()).toBe(false);
    const patches = h.emulator.control.calls().filter((c) => c.method === 'PATCH' && c.path.startsWith('/directory/onPremisesSynchronization/'));
    expect(patches.map((c) => [c.version, c.status])).toEqual([
      ['beta', 403],
      ['beta', 204],
    ]);
    await waitForStatus(h, posted.requestId, 'awaiting-sync');
    const switchedOff = (await h.app.deps.requests.get(posted.requestId))!;
    expect(switchedOff.safeguard?.confirmedBy.aadObjectId).toBe(BEN.aadObjectId);
    expect(switchedOff.safeguardWindow).toMatchObject({ offBy: { aadObjectId: BEN.aadObjectId }, offAt: expect.any(String), onAt: null });
    expect((await detailAs(PEOPLE.rita.aadObjectId)).safeguardSwitch).toEqual({
      mode: 'obo',
      state: 'off',
      mayTurnOff: false,
      mayTurnOn: true,
      window: { offAt: switchedOff.safeguardWindow!.offAt, offBy: { id: BEN.aadObjectId, name: 'Ben Bystander' }, onAt: null, onBy: null },
    });

    // The sync client takes ivan back; the rollback completes and asks, with one click, to switch it back on.
    h.emulator.control.runSyncCycle();
    h.clock.advance(5 * 60_000 + 1000);
    await h.app.runner.runDue();
    await waitForText(h, new RegExp(`Rollback ${posted.requestId} completed`));
    const announced = h.connector.posts(CHANNEL.id).find((p) => (p.activity.text ?? '').includes(`Rollback ${posted.requestId} completed`))!;
    const onLink = JSON.stringify(announced.activity.attachments?.[0]?.content).match(/"title":"Switch the safeguard back on","url":"([^"]+)"/);
    expect(decodeURIComponent(onLink![1])).toContain(`"subEntityId":"safeguard-on:${posted.requestId}"`);

    // Reminded on the durable schedule while it stays off.
    expect(reminders()).toHaveLength(0);
    h.clock.advance(HOUR + 1000);
    await h.app.runner.runDue();
    expect(reminders()).toHaveLength(1);
    expect(cardProblems(reminders()[0].activity.attachments![0].content as Record<string, unknown>)).toEqual([]);
    h.clock.advance(HOUR + 1000);
    await h.app.runner.runDue();
    expect(reminders()).toHaveLength(2);

    const on = await switchAs(BEN.aadObjectId, posted.requestId, true);
    expect(on.status).toBe(200);
    expect(safeguardOn()).toBe(true);
    const closed = (await h.app.deps.requests.get(posted.requestId))!;
    expect(closed.status).toBe('completed');
    expect(closed.safeguardWindow).toMatchObject({ offBy: { name: 'Ben Bystander' }, onBy: { name: 'Ben Bystander' }, onAt: expect.any(String) });
    expect(Date.parse(closed.safeguardWindow!.onAt!)).toBeGreaterThan(Date.parse(closed.safeguardWindow!.offAt!));
    // The tab's request detail and the request card show the window: off at/by, back on at/by.
    const detail = await tabCall(h, `/api/tab/requests/${posted.requestId}`, { token: userToken(h, PEOPLE.rita.aadObjectId) });
    expect(detail.json.safeguardSwitch).toMatchObject({ state: 'on', mayTurnOff: false, mayTurnOn: false });
    expect(detail.json.safeguardWindow).toEqual({
      offAt: closed.safeguardWindow!.offAt,
      offBy: { id: BEN.aadObjectId, name: 'Ben Bystander' },
      onAt: closed.safeguardWindow!.onAt,
      onBy: { id: BEN.aadObjectId, name: 'Ben Bystander' },
    });
    const card = await h.connector.waitFor(() => {
      const latest = JSON.stringify(h.connector.latestCard(posted.activityId) ?? {});
      return /back on at .* by Ben Bystander/.test(latest) ? latest : null;
    });
    expect(card).toMatch(/Safeguard switched off at \d{4}-\d\d-\d\d \d\d:\d\d UTC by Ben Bystander; back on at/);
    const switched = (await events(posted.requestId)).filter((e) => e.type === 'safeguard.switched');
    expect(switched.map((e) => [e.actorId, e.data])).toEqual([
      [BEN.aadObjectId, expect.objectContaining({ enabled: false, readBack: false })],
      [BEN.aadObjectId, expect.objectContaining({ enabled: true, readBack: true })],
    ]);

    // The reminder job runs once more when due, sees it on and stops for good.
    h.clock.advance(HOUR + 1000);
    await h.app.runner.runDue();
    h.clock.advance(HOUR + 1000);
    await h.app.runner.runDue();
    expect(reminders()).toHaveLength(2);
    expect((await events(posted.requestId)).filter((e) => e.type === 'safeguard.reminded')).toHaveLength(2);

    // The person's token was used for the exchange and is nowhere in the logs.
    expect(h.logs.some((line) => line.includes(benToken) || line.includes(benToken.split('.')[2]))).toBe(false);
  });
});

describe('switched off, then the rollback is rejected', () => {
  let h: BotHarness;
  const NINA = transferredUser({ id: 'a0b1c2d3-0000-4000-8000-00000000c1b1', userPrincipalName: 'nina@contoso.com', displayName: 'Nina' });
  beforeAll(async () => {
    h = await startBotHarness({ env: tabEnv({ SAFEGUARD_SWITCH: 'obo', TAB_CLIENT_SECRET: TAB_SECRET, TEAMS_APP_ID, SAFEGUARD_REMINDER_INTERVAL: '1h' }) });
    h.emulator.control.setUser(NINA);
    h.emulator.control.setDelegatedApps([
      { clientId: TAB_APP_ID, clientSecret: TAB_SECRET, consentedScopes: ['OnPremDirectorySynchronization.ReadWrite.All'] },
    ]);
    h.emulator.control.setRoleAssignments([{ principalId: BEN.aadObjectId, roleDefinitionId: ROLE_TEMPLATES.globalAdministrator, kind: 'active' }]);
  });
  afterAll(() => h.stop());
  const reminders = () => h.connector.posts(CHANNEL.id).filter((p) => /^Rollback \S+: switch the tenant safeguard back on\./.test(p.activity.text ?? ''));

  it('is reminded to switch it back on although the rollback never ran, until it is on', async () => {
    const posted = await requestInChannel(h, 'rollback nina@contoso.com reason: back to AD');
    const off = await tabCall(h, `/api/tab/requests/${posted.requestId}/safeguard`, {
      token: userToken(h, BEN.aadObjectId, { name: 'Ben Bystander' }),
      body: { enabled: false },
    });
    expect(off.json.text).toMatch(/still needs its approvals/);
    // While the rollback is open the safeguard must stay off: no reminder yet.
    h.clock.advance(HOUR + 1000);
    await h.app.runner.runDue();
    expect(reminders()).toHaveLength(0);
    await click(h, PEOPLE.adam, VERBS.reject, { ...posted, version: posted.version + 1 }, CHANNEL, { comment: 'not this week' });
    await waitForStatus(h, posted.requestId, 'rejected');
    h.clock.advance(HOUR + 1000);
    await h.app.runner.runDue();
    expect(reminders()).toHaveLength(1);
    await tabCall(h, `/api/tab/requests/${posted.requestId}/safeguard`, { token: userToken(h, BEN.aadObjectId), body: { enabled: true } });
    expect(h.emulator.control.tenantSettings().blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(true);
    h.clock.advance(HOUR + 1000);
    await h.app.runner.runDue();
    expect(reminders()).toHaveLength(1);
  });
});

describe('switching the safeguard when the exchange is refused', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: tabEnv({ SAFEGUARD_SWITCH: 'obo', TAB_CLIENT_SECRET: TAB_SECRET, TEAMS_APP_ID }) });
    // The tab app is registered but nobody consented to OnPremDirectorySynchronization.ReadWrite.All.
    h.emulator.control.setDelegatedApps([{ clientId: TAB_APP_ID, clientSecret: TAB_SECRET, consentedScopes: [] }]);
    h.emulator.control.setRoleAssignments([{ principalId: BEN.aadObjectId, roleDefinitionId: ROLE_TEMPLATES.globalAdministrator, kind: 'active' }]);
  });
  afterAll(() => h.stop());

  it('says the sign-in could not be exchanged and which delegated permission needs consent; nothing is sent to Graph', async () => {
    const posted = await requestInChannel(h, 'rollback ivan@contoso.com reason: back to AD');
    const answer = await tabCall(h, `/api/tab/requests/${posted.requestId}/safeguard`, { token: userToken(h, BEN.aadObjectId), body: { enabled: false } });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ error: 'SAFEGUARD.SIGN_IN_FAILED', message: expect.stringContaining('OnPremDirectorySynchronization.ReadWrite.All') });
    expect(h.emulator.control.calls().filter((c) => c.path.startsWith('/directory/'))).toEqual([]);
    expect(h.emulator.control.tenantSettings().blockCloudObjectTakeoverThroughHardMatchEnabled).toBe(true);
    const body = await tabCall(h, `/api/tab/requests/${posted.requestId}/safeguard`, { token: userToken(h, BEN.aadObjectId), body: { enabled: 'no' } });
    expect(body.status).toBe(400);
  });
});

describe('the manual path (SAFEGUARD_SWITCH=manual, the default)', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: tabEnv() });
  });
  afterAll(() => h.stop());

  it('the card offers no switch, the tab refuses to switch, and "Confirm: safeguard is off" still completes the step', async () => {
    const posted = await requestInChannel(h, 'rollback ivan@contoso.com reason: back to AD');
    expect(JSON.stringify(posted.card)).not.toContain('Switch the safeguard off');
    const refused = await tabCall(h, `/api/tab/requests/${posted.requestId}/safeguard`, { token: userToken(h, DEMO_IDS.users.rita), body: { enabled: false } });
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ error: 'SAFEGUARD.SWITCH_NOT_ENABLED', message: expect.stringMatching(/SAFEGUARD_SWITCH=manual/) });
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    h.emulator.control.setTenantSettings({ blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    const confirmed = await click(h, PEOPLE.adam, VERBS.confirmSafeguard, { ...posted, version: posted.version + 1 });
    expect(JSON.stringify(confirmed.body.value)).toMatch(/Safeguard step confirmed by Adam Approver/);
    await waitForStatus(h, posted.requestId, 'awaiting-sync');
  });
});
