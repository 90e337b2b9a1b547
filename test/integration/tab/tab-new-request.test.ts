import { randomUUID } from 'node:crypto';
import { syncedUsers } from '../../../emulator/seeds/builders';
import { DEMO_IDS, demoTenant } from '../../../emulator/seeds/demo-tenant';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { cardText } from '../../support/card-text';
import { PERSONAL, messageActivity } from '../../support/teams-activities';
import { CHANNEL, VERBS, click, waitForStatus, waitForText } from '../bot/flow-helpers';
import { tabCall, tabEnv, userToken } from '../../support/tab-client';

/**
 * New requests and preflights from the tab: the same request use case and the same target policy as chat
 * (one way to do it), the card where a request from a personal chat would go (the approvals channel),
 * `via: "tab"` in the record, and one request per idempotency key.
 */
const APPROVALS = CHANNEL.channelId!;
const SALES = DEMO_IDS.groups.sales; // alice and bob: protected accounts in this test
const SPARE = syncedUsers(2, 'contoso.com', { start: 810 }); // eligible, in no request

describe('tab API: new requests and preflight', () => {
  let h: BotHarness;
  const token = (oid: string) => userToken(h, oid, { name: oid === PEOPLE.rita.aadObjectId ? 'Rita Requester' : 'Someone' });
  const call = (oid: string, path: string, body?: unknown) => tabCall(h, path, { token: token(oid), body });
  const rita = PEOPLE.rita.aadObjectId;
  /** The request cards posted in the approvals channel, by request id. */
  const approvalCards = () =>
    h.connector
      .posts(APPROVALS)
      .map((p) => JSON.stringify(p.activity.attachments?.[0]?.content ?? ''))
      .map((json) => /"requestId":"([A-Z0-9-]+)"/.exec(json)?.[1])
      .filter((id): id is string => Boolean(id));

  beforeAll(async () => {
    h = await startBotHarness({ env: tabEnv({ APPROVAL_CHANNEL_ID: APPROVALS, PROTECTED_GROUP_IDS: SALES }) });
    const demo = demoTenant();
    h.emulator.control.seed({ ...demo, users: [...(demo.users ?? []), ...SPARE] });
    // The bot learns the approvals channel when someone addresses it there.
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.adam, text: 'help', conversation: CHANNEL }));
    await h.connector.waitFor(() => h.connector.posts(CHANNEL.id).length > 0);
  });
  afterAll(() => h.stop());

  it('creates the chat request: card in the approvals channel, via "tab" recorded, approvable from the card', async () => {
    const key = randomUUID();
    const created = await call(rita, '/api/tab/requests', { kind: 'transfer', upns: ['dave@contoso.com'], justification: 'from the tab', idempotencyKey: key });
    expect([created.status, created.headers.get('cache-control')]).toEqual([201, 'no-store']);
    expect(created.json).toMatchObject({ id: expect.stringMatching(/^SOA-/), status: 'pending', version: 1, created: true });
    const id = created.json.id as string;
    // The approval card is posted where a request from a personal chat goes.
    await h.connector.waitFor(() => approvalCards().includes(id));
    const stored = (await h.app.deps.requests.get(id))!;
    expect(stored).toMatchObject({ kind: 'transfer', justification: 'from the tab', requester: { aadObjectId: rita, name: 'Rita Requester' }, bulk: null });
    expect(stored.cards).toEqual([expect.objectContaining({ role: 'approval', conversationKey: expect.stringContaining(APPROVALS) })]);
    const events = await h.app.deps.requests.events(id);
    expect(events[0]).toMatchObject({ type: 'request.created', actorId: rita, data: { via: 'tab', eligible: ['dave@contoso.com'] } });
    // The detail shows where it came from.
    const detail = (await call(rita, `/api/tab/requests/${id}`)).json;
    expect(detail.timeline[0]).toMatchObject({ type: 'request.created', via: 'tab', who: { id: rita, name: 'Rita Requester' } });

    // Double submit: the same key gives the same request (200), and no second card or request.
    const again = await call(rita, '/api/tab/requests', { kind: 'transfer', upns: ['dave@contoso.com'], justification: 'from the tab', idempotencyKey: key });
    expect([again.status, again.json]).toEqual([200, { id, status: 'pending', version: 1, created: false }]);
    const mine = (await call(rita, '/api/tab/requests?mine=1')).json.items.map((i: { id: string }) => i.id);
    expect(mine).toEqual([id]);
    expect(approvalCards().filter((c) => c === id)).toHaveLength(1);

    // The card in the channel works as for a chat request.
    const posted = h.connector.posts(APPROVALS).find((p) => JSON.stringify(p.activity.attachments?.[0]?.content ?? '').includes(id))!;
    const response = await click(
      h,
      PEOPLE.adam,
      VERBS.approve,
      { requestId: id, version: 1, activityId: posted.activityId },
      { kind: 'channel', id: APPROVALS, teamId: CHANNEL.teamId, channelId: APPROVALS },
    );
    expect(response.status).toBe(200);
    await waitForStatus(h, id, 'completed', 30_000);
  });

  it('a CSV takes the bulk path, as a CSV file in chat does; the same key from another person is another request', async () => {
    const key = randomUUID();
    const created = await call(rita, '/api/tab/requests', {
      kind: 'transfer',
      csv: 'userPrincipalName,note\ncarol@contoso.com,x\n',
      justification: 'csv wave',
      idempotencyKey: key,
    });
    expect(created.status).toBe(201);
    const stored = (await h.app.deps.requests.get(created.json.id))!;
    expect(stored.bulk).toMatchObject({ source: 'CSV in the tab, 1 users', fingerprint: expect.any(String) });
    // Another person's same key is theirs: it does not return Rita's request (Ben is no requester: refused).
    const ben = await call(PEOPLE.ben.aadObjectId, '/api/tab/requests', {
      kind: 'transfer',
      csv: 'carol@contoso.com\n',
      justification: 'x',
      idempotencyKey: key,
    });
    expect([ben.status, ben.json.error]).toEqual([403, 'REQUESTER.NOT_ALLOWED']);
  });

  it('refusals are the chat ones, remembered per key; bad bodies change nothing', async () => {
    const key = randomUUID();
    const protectedOnly = await call(rita, '/api/tab/requests', { kind: 'transfer', upns: ['alice@contoso.com'], justification: 'x', idempotencyKey: key });
    expect([protectedOnly.status, protectedOnly.json.error]).toEqual([409, 'REQUEST.NONE_ELIGIBLE']);
    expect(protectedOnly.json.detail.blocked).toEqual([{ upn: 'alice@contoso.com', blocker: expect.any(String) }]);
    // The same key again: the same refusal, without asking the directory again. (The audit search of the
    // request an earlier test executed may poll meanwhile: a background job, not this call.)
    const graphCalls = h.emulator.control.calls().length;
    const callsSince = () =>
      h.emulator.control
        .calls()
        .slice(graphCalls)
        .filter((c) => !c.path.startsWith('/auditLogs/'));
    const again = await call(rita, '/api/tab/requests', { kind: 'transfer', upns: ['alice@contoso.com'], justification: 'x', idempotencyKey: key });
    expect([again.status, again.json.error]).toEqual([409, 'REQUEST.NONE_ELIGIBLE']);
    expect(callsSince().map((c) => `${c.method} ${c.path}`)).toEqual([]);

    const before = (await call(rita, '/api/tab/requests?mine=1')).json.items.length;
    for (const bad of [
      { kind: 'transfer', upns: ['dave@contoso.com'], justification: 'x' },
      { kind: 'transfer', upns: ['dave@contoso.com'], justification: 'x', idempotencyKey: 'not-a-uuid' },
      { kind: 'both', upns: ['dave@contoso.com'], justification: 'x', idempotencyKey: randomUUID() },
      { kind: 'transfer', upns: ['not a upn'], justification: 'x', idempotencyKey: randomUUID() },
      { kind: 'transfer', upns: ['dave@contoso.com'], csv: 'dave@contoso.com', justification: 'x', idempotencyKey: randomUUID() },
      { kind: 'transfer', upns: ['dave@contoso.com'], justification: 'x', idempotencyKey: randomUUID(), requester: PEOPLE.adam.aadObjectId },
    ]) {
      const response = await call(rita, '/api/tab/requests', bad);
      expect([JSON.stringify(bad), response.status, response.json.error]).toEqual([JSON.stringify(bad), 400, 'TAB.BAD_BODY']);
    }
    expect((await call(rita, '/api/tab/requests?mine=1')).json.items.length).toBe(before);
    // An approver who is no requester may not make requests, from the tab as from chat.
    const adam = await call(PEOPLE.adam.aadObjectId, '/api/tab/requests', {
      kind: 'transfer',
      upns: ['dave@contoso.com'],
      justification: 'x',
      idempotencyKey: randomUUID(),
    });
    expect([adam.status, adam.json.error]).toEqual([403, 'REQUESTER.NOT_ALLOWED']);
  });

  it('preflight refuses protected and federated accounts with the words chat uses, and creates nothing', async () => {
    const before = await h.app.deps.requests.listPage({ order: 'newest-first', limit: 100 });
    const preflight = await call(rita, '/api/tab/preflight', {
      kind: 'transfer',
      upns: ['alice@contoso.com', 'henry@fabrikam.com', SPARE[0].userPrincipalName, 'grace@contoso.com', 'nobody@contoso.com'],
    });
    expect(preflight.status).toBe(200);
    const rows = preflight.json.targets as { upn: string; ok: boolean; reason: string | null; state: string }[];
    expect(rows.map((r) => [r.upn, r.ok])).toEqual([
      ['alice@contoso.com', false],
      ['henry@fabrikam.com', false],
      [SPARE[0].userPrincipalName, true],
      ['grace@contoso.com', false],
      ['nobody@contoso.com', false],
    ]);
    expect((await h.app.deps.requests.listPage({ order: 'newest-first', limit: 100 })).requests.length).toBe(before.requests.length);

    // Chat, asked for the blocked ones, names the same reasons (one policy, one wording).
    await h.send(
      messageActivity({
        serviceUrl: h.connector.url,
        from: PEOPLE.rita,
        text: 'transfer alice@contoso.com henry@fabrikam.com grace@contoso.com reason: compare',
        conversation: PERSONAL(PEOPLE.rita),
      }),
    );
    const chat = await waitForText(h, /no request|not eligible|None of/i, PERSONAL(PEOPLE.rita).id);
    for (const row of rows.filter((r) => !r.ok && r.upn !== 'nobody@contoso.com'))
      expect([row.upn, chat]).toEqual([row.upn, expect.stringContaining(row.reason!)]);
    // The protected account is refused for being protected, not for anything else.
    expect(rows[0].reason).not.toEqual(rows[1].reason);

    // Only requesters; within their user limit; the same body rules.
    expect((await call(PEOPLE.ben.aadObjectId, '/api/tab/preflight', { kind: 'transfer', upns: ['dave@contoso.com'] })).status).toBe(403);
    expect((await call(rita, '/api/tab/preflight', { kind: 'transfer', upns: [] })).status).toBe(400);
    const tooMany = Array.from({ length: h.app.deps.settings.maxUsersPerRequest + 1 }, (_, i) => `u${i}@contoso.com`);
    const over = await call(rita, '/api/tab/preflight', { kind: 'transfer', upns: tooMany });
    expect([over.status, over.json.error]).toEqual([400, 'COMMAND.TOO_MANY_UPNS']);
    // A rollback preflight uses the rollback policy: erin's cloud group with an access package blocks her.
    const rollback = await call(rita, '/api/tab/preflight', { kind: 'rollback', upns: ['erin@contoso.com', 'ivan@contoso.com'] });
    expect(rollback.json.targets.map((r: { upn: string; ok: boolean }) => [r.upn, r.ok])).toEqual([
      ['erin@contoso.com', false],
      ['ivan@contoso.com', true],
    ]);
    expect(cardText({ body: [{ type: 'TextBlock', text: rollback.json.targets[0].reason }] })).toMatch(/Project Falcon/);
  });

  it('a directory failure during a preflight or a new request is a 503 with the chat wording, nothing is made, and the key may retry', async () => {
    h.emulator.control.injectFault({ method: 'GET', pathPattern: '^/users/', status: 503, graphCode: 'serviceNotAvailable', times: -1 });
    try {
      const preflight = await call(rita, '/api/tab/preflight', { kind: 'transfer', upns: [SPARE[1].userPrincipalName] });
      expect([preflight.status, preflight.json.error]).toEqual([503, 'GRAPH.UNAVAILABLE']);
      const before = (await call(rita, '/api/tab/requests?mine=1')).json.items.length;
      const key = randomUUID();
      const body = { kind: 'transfer', upns: [SPARE[1].userPrincipalName], justification: 'after the outage', idempotencyKey: key };
      const made = await call(rita, '/api/tab/requests', body);
      expect([made.status, made.json.error]).toEqual([503, 'GRAPH.UNAVAILABLE']);
      expect(made.json.message).toMatch(/no request was created/);
      expect((await call(rita, '/api/tab/requests?mine=1')).json.items.length).toBe(before);
      // An outage is not remembered as the key's answer: once Graph is back, the same key makes the request.
      h.emulator.control.clearFaults();
      const retried = await call(rita, '/api/tab/requests', body);
      expect([retried.status, retried.json.created]).toEqual([201, true]);
      expect((await call(rita, '/api/tab/requests', body)).json).toEqual({ id: retried.json.id, status: 'pending', version: 1, created: false });
    } finally {
      h.emulator.control.clearFaults();
    }
  });
});
