import { demoTenant, DEMO_IDS } from '../../../emulator/seeds/demo-tenant';
import { syncedUsers } from '../../../emulator/seeds/builders';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { cardProblems } from '../../support/card-validation';
import { cardText } from '../../support/card-text';
import { messageActivity } from '../../support/teams-activities';
import { CHANNEL, VERBS, click, requestInChannel, waitForStatus, waitForText, waitUntilSettled } from './flow-helpers';

const WAVE_A = syncedUsers(60, 'contoso.com', { start: 100 });
const WAVE_B = syncedUsers(60, 'contoso.com', { start: 200 });
const WAVE_C = syncedUsers(30, 'contoso.com', { start: 300 });
const WAVE_D = syncedUsers(25, 'contoso.com', { start: 500 });

describe('bulk transfers in waves', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({
      env: {
        ADMIN_IDS: DEMO_IDS.users.rita,
        // Adam (an approver) may also request: resuming his own halted request must be refused.
        REQUESTER_IDS: `${DEMO_IDS.users.ben},${DEMO_IDS.users.adam}`,
        PUBLIC_BASE_URL: 'https://soabot.example.test',
        FILE_LINK_SECRET: 'test-link-secret-at-least-32-bytes-long',
        WAVES: '1,10%,rest',
        HALT_FAILURE_RATE: '5%',
      },
    });
    const demo = demoTenant();
    h.emulator.control.seed({ ...demo, users: [...(demo.users ?? []), ...WAVE_A, ...WAVE_B, ...WAVE_C, ...WAVE_D] });
  });
  afterAll(() => h.stop());

  const upns = (users: typeof WAVE_A) => users.map((u) => u.userPrincipalName).join('\n');
  const patchesOf = (users: typeof WAVE_A) =>
    h.emulator.control.calls().filter((c) => c.method === 'PATCH' && users.some((u) => c.path.includes(u.id)) && c.status < 300);
  const linkOf = (card: Record<string, unknown>, label: RegExp) => {
    const m = cardText(card)
      .split('\n')
      .map((l) => /\[(.*?)\]\((https:\/\/soabot\.example\.test\/files\/[^)]+)\)/.exec(l))
      .find((x) => x && label.test(x[1]));
    return m ? m[2].replace('https://soabot.example.test', h.messagesUrl.replace('/api/messages', '')) : null;
  };

  it('limits ordinary requesters to MAX_USERS_PER_REQUEST; an admin may ask for a whole wave', async () => {
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.ben, text: `transfer ${upns(WAVE_A)}`, conversation: CHANNEL }));
    expect(await waitForText(h, /one request can hold at most 50/)).toMatch(/That is 60 users/);
  });

  it('summarises the preflight, covers exactly the list, runs in waves and offers the tables as signed CSV links', async () => {
    const list = `${upns(WAVE_A)}\nerin@contoso.com\ngrace@contoso.com\nnobody@contoso.com`;
    const posted = await requestInChannel(h, `transfer ${list} reason: migration wave A`);
    expect(cardProblems(posted.card)).toEqual([]);
    const text = cardText(posted.card);
    expect(text).toMatch(/Eligible: 60/);
    expect(text).toMatch(/Already transferred: 1/);
    expect(text).toMatch(/Cloud-native: 1/);
    expect(text).toMatch(/Not found: 1/);
    expect(text).toMatch(/List fingerprint: [0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}/);
    expect(text).toMatch(/Waves: 1 → 6 → 53 users; halt above 5% failures/);
    expect(text).toMatch(/Users to transfer \(60\)/);

    // The tables are not on the card everyone in the channel sees : the approver's own view has them.
    expect(linkOf(posted.card, /preflight/)).toBeNull();
    expect(JSON.stringify(posted.card)).not.toContain('/files/');
    const approversView = (await click(h, PEOPLE.adam, VERBS.refresh, posted)).body.value;
    const preflightUrl = linkOf(approversView, /preflight/)!;
    expect(preflightUrl).toBeTruthy();
    const csv = await (await fetch(preflightUrl)).text();
    expect(csv.split('\n').filter(Boolean)).toHaveLength(1 + 63);
    expect(csv).toMatch(/nobody@contoso.com,,,no,No such user/);
    expect((await fetch(preflightUrl.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).status).toBe(403);

    await click(h, PEOPLE.adam, VERBS.approve, posted);
    await waitForStatus(h, posted.requestId, 'completed', 30_000);
    expect(patchesOf(WAVE_A)).toHaveLength(60);
    const request = (await h.app.deps.requests.get(posted.requestId))!;
    expect(request.bulk).toMatchObject({ nextWave: 3, haltedReason: null });
    const events = (await h.app.deps.requests.events(posted.requestId)).map((e) => e.type);
    expect(events.filter((e) => e === 'wave.finished')).toHaveLength(3);
    // The waves went out in $batch requests, each filed in this request's record.
    const filed = (await h.app.deps.requests.events(posted.requestId)).filter((e) => e.type === 'graph.call');
    expect(filed.filter((e) => String(e.data.path).endsWith('/$batch') && e.data.status === 200).length).toBeGreaterThanOrEqual(3);

    const latest = h.connector.latestCard(posted.activityId)!;
    await h.connector.waitFor(() => /Completed/.test(cardText(h.connector.latestCard(posted.activityId))));
    expect(JSON.stringify(h.connector.latestCard(posted.activityId))).not.toContain('/files/');
    // The admin (Rita) sees the results link in her own view; Ben, a requester but not of this request, gets nothing.
    const adminsView = (await click(h, PEOPLE.rita, VERBS.refresh, { ...posted, version: request.cardVersion })).body.value;
    const results = await (await fetch(linkOf(adminsView, /results/)!)).text();
    const bens = (await click(h, PEOPLE.ben, VERBS.refresh, { ...posted, version: request.cardVersion })).body;
    expect(JSON.stringify(bens)).not.toContain('/files/');
    expect(results.split('\n').filter((l) => l.includes(',done,'))).toHaveLength(60);
    expect(cardProblems(latest)).toEqual([]);
  });

  it('halts a wave whose failure rate is above the limit; an approver resumes, and nobody is patched twice', async () => {
    const posted = await requestInChannel(h, `transfer ${upns(WAVE_B)} reason: migration wave B`);
    // Two users of the second wave (users 2-7) fail: 2 of 6 is above 5 %.
    for (const u of [WAVE_B[2], WAVE_B[3]]) {
      h.emulator.control.injectFault({
        method: 'PATCH',
        pathPattern: `^/users/${u.id}/onPremisesSyncBehavior$`,
        status: 403,
        graphCode: 'Authorization_RequestDenied',
        times: -1,
      });
    }
    await click(h, PEOPLE.amy, VERBS.approve, posted);
    await waitForStatus(h, posted.requestId, 'halted', 30_000);
    const halted = await waitForText(h, /Halted after wave 2 of 3: 2 of 6 users failed/);
    expect(halted).toMatch(/above the 5% limit/);
    expect(patchesOf(WAVE_B)).toHaveLength(5);
    const card = h.connector.latestCard(posted.activityId)!;
    expect(cardText(card)).toMatch(/Halted after wave 2/);

    const stored = (await h.app.deps.requests.get(posted.requestId))!;
    // Ben (a requester, but not of this request) has no role for it: the neutral answer.
    const bystander = await click(h, PEOPLE.ben, VERBS.resume, { ...posted, version: stored.cardVersion });
    expect(bystander.body.value).toMatch(/nothing I can show or do for that request here/);
    const resumed = await click(h, PEOPLE.amy, VERBS.resume, { ...posted, version: stored.cardVersion });
    expect(cardText(resumed.body.value)).toMatch(/Resumed by Amy Approver/);
    await waitForStatus(h, posted.requestId, 'completed-with-failures', 30_000);
    expect(patchesOf(WAVE_B)).toHaveLength(58);
    h.emulator.control.clearFaults();
  });

  it('a halted request can be cancelled: users not reached are not changed', async () => {
    const posted = await requestInChannel(h, `transfer ${upns(WAVE_C.slice(0, 25))} reason: wave C`);
    h.emulator.control.injectFault({
      method: 'PATCH',
      pathPattern: `^/users/${WAVE_C[0].id}/onPremisesSyncBehavior$`,
      status: 400,
      graphCode: 'Request_BadRequest',
      times: -1,
    });
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    await waitForStatus(h, posted.requestId, 'halted', 30_000);
    const stored = (await h.app.deps.requests.get(posted.requestId))!;
    await click(h, PEOPLE.adam, VERBS.cancel, { ...posted, version: stored.cardVersion });
    await waitForStatus(h, posted.requestId, 'cancelled');
    expect(patchesOf(WAVE_C)).toHaveLength(0);
    expect(h.emulator.control.getUser(WAVE_C[10].userPrincipalName)?.isCloudManaged).toBe(false);
    h.emulator.control.clearFaults();
  });

  it('resuming is an approval: the requester may not resume their own halted request, but may cancel it', async () => {
    const posted = await requestInChannel(h, `transfer ${upns(WAVE_D)} reason: wave D`, PEOPLE.adam);
    h.emulator.control.injectFault({
      method: 'PATCH',
      pathPattern: `^/users/${WAVE_D[0].id}/onPremisesSyncBehavior$`,
      status: 400,
      graphCode: 'Request_BadRequest',
      times: -1,
    });
    await click(h, PEOPLE.amy, VERBS.approve, posted);
    await waitForStatus(h, posted.requestId, 'halted', 30_000);

    // Adam (approver and requester) clicks Resume: refused, nothing runs; his view offers Cancel, not Resume.
    const stored = (await h.app.deps.requests.get(posted.requestId))!;
    const selfResume = await click(h, PEOPLE.adam, VERBS.resume, { ...posted, version: stored.cardVersion });
    expect(cardText(selfResume.body.value)).toMatch(/You made this request, so you cannot approve or reject it yourself/);
    expect((await h.app.deps.requests.get(posted.requestId))!.status).toBe('halted');
    await waitUntilSettled(h);
    expect(h.emulator.control.calls().filter((c) => c.method === 'PATCH' && WAVE_D.slice(1).some((u) => c.path.includes(u.id)))).toHaveLength(0);
    const view = await click(h, PEOPLE.adam, VERBS.refresh, { ...posted, version: stored.cardVersion });
    expect(JSON.stringify(view.body.value)).toContain(VERBS.cancel);
    expect(JSON.stringify(view.body.value)).not.toContain(VERBS.resume);

    const cancelled = await click(h, PEOPLE.adam, VERBS.cancel, { ...posted, version: stored.cardVersion });
    expect(cardText(cancelled.body.value)).toMatch(/Cancelled by Adam Approver/);
    await waitForStatus(h, posted.requestId, 'cancelled');
    h.emulator.control.clearFaults();
  });

  it("a typed approval, in the card's conversation, names the card version, the number of users and the list fingerprint", async () => {
    // The users wave D did not reach (it was cancelled after its first wave).
    const users = WAVE_D.slice(1);
    const posted = await requestInChannel(h, `transfer ${upns(users)} reason: wave D again`);
    h.emulator.control.injectFault({
      method: 'PATCH',
      pathPattern: `^/users/${users[0].id}/onPremisesSyncBehavior$`,
      status: 400,
      graphCode: 'Request_BadRequest',
      times: -1,
    });
    const fingerprint = /List fingerprint: ([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})/.exec(cardText(posted.card))![1];
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.amy, text: `approve ${posted.requestId}`, conversation: CHANNEL }));
    const said = await waitForText(h, new RegExp(`You approved version ${posted.version} of request ${posted.requestId}'s card`));
    expect(said).toContain(`${users.length} user(s), list fingerprint ${fingerprint}.`);
    await waitForStatus(h, posted.requestId, 'halted', 30_000);
    const stored = (await h.app.deps.requests.get(posted.requestId))!;
    await click(h, PEOPLE.amy, VERBS.cancel, { ...posted, version: stored.cardVersion });
    await waitForStatus(h, posted.requestId, 'cancelled');
    h.emulator.control.clearFaults();
  });

  // CSV files sent to the bot: test/integration/bot/csv-files.test.ts (personal chat, allowed hosts, caps).
});

describe('transfer members of a group', () => {
  let h: BotHarness;
  const MEMBERS = syncedUsers(25, 'contoso.com', { start: 400 });
  const GROUP = { id: '5d0a0002-0000-4000-8000-0000000000b1', displayName: 'Wave 7 (HR)', members: MEMBERS.map((u) => u.id) };
  beforeAll(async () => {
    h = await startBotHarness({ env: { PUBLIC_BASE_URL: 'https://soabot.example.test' } });
    const demo = demoTenant();
    h.emulator.control.seed({
      ...demo,
      users: [...(demo.users ?? []), ...MEMBERS],
      groups: [
        ...(demo.groups ?? []),
        GROUP,
        { id: '5d0a0002-0000-4000-8000-0000000000b2', displayName: 'Twins', members: [] },
        { id: '5d0a0002-0000-4000-8000-0000000000b3', displayName: 'Twins', members: [] },
      ],
    });
  });
  afterAll(() => h.stop());

  it('resolves the group exactly, takes its members, and transfers them through Graph batching', async () => {
    const posted = await requestInChannel(h, 'transfer members of Wave 7 (HR) reason: HR goes cloud-only');
    const text = cardText(posted.card);
    expect(text).toMatch(/direct members of group "Wave 7 \\\(HR\\\)"|direct members of group "Wave 7 \(HR\)"/);
    expect(text).toMatch(/Eligible: 25/);
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    await waitForStatus(h, posted.requestId, 'completed', 30_000);
    expect(h.emulator.control.calls().some((c) => c.path === '/$batch')).toBe(true);
    for (const u of MEMBERS) expect(h.emulator.control.getUser(u.id)?.isCloudManaged).toBe(true);
  });

  it('refuses an ambiguous or unknown group name, listing the candidates', async () => {
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'transfer members of Twins', conversation: CHANNEL }));
    const reply = await waitForText(h, /Several groups are named/);
    expect(reply).toContain('5d0a0002-0000-4000-8000-0000000000b2');
    expect(reply).toContain('5d0a0002-0000-4000-8000-0000000000b3');
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'transfer members of Nobody Here reason: x', conversation: CHANNEL }));
    await waitForText(h, /No group is named exactly "Nobody Here"/);
  });
});
