import { randomUUID } from 'node:crypto';
import { DEMO_IDS, demoTenant } from '../../../emulator/seeds/demo-tenant';
import { GroupSeed } from '../../../emulator/types';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { messageActivity } from '../../support/teams-activities';
import { CHANNEL } from '../bot/flow-helpers';
import { tabCall, tabEnv, userToken } from '../../support/tab-client';

/**
 * Group requests from the tab: the group resolved and checked as `transfer group` resolves and checks
 * it (one resolver, the one target policy), the SAME request as the chat command (the chat command for
 * it is answered as a duplicate), idempotent per key, an ambiguous name refused with its candidates.
 */
const APPROVALS = CHANNEL.channelId!;
const SALES = DEMO_IDS.groups.sales;
const gid = (n: number) => `5d0a0017-0000-4000-8000-${String(n).padStart(12, '0')}`;
const G = { org: gid(1), dept: gid(2), tier0: gid(3), admins: gid(4), dupA: gid(5), dupB: gid(6) };
const synced = (id: string, displayName: string, members: string[] = []): GroupSeed => ({
  id,
  displayName,
  onPremisesSyncEnabled: true,
  onPremisesImmutableId: `anchor-${id.slice(-4)}`,
  onPremisesLastSyncDateTime: '2026-11-01T08:00:00Z',
  members,
});

describe('tab API: group requests', () => {
  let h: BotHarness;
  const rita = PEOPLE.rita.aadObjectId;
  const call = (oid: string, path: string, body?: unknown) => tabCall(h, path, { token: userToken(h, oid, { name: 'Rita Requester' }), body });
  const cardsFor = (id: string) =>
    h.connector.posts(APPROVALS).filter((p) => JSON.stringify(p.activity.attachments?.[0]?.content ?? '').includes(`"requestId":"${id}"`));

  beforeAll(async () => {
    h = await startBotHarness({ env: tabEnv({ APPROVAL_CHANNEL_ID: APPROVALS, PROTECTED_GROUP_IDS: G.tier0 }) });
    const demo = demoTenant();
    h.emulator.control.seed({
      ...demo,
      groups: [
        ...(demo.groups ?? []),
        synced(G.org, 'Org (AD)', [G.dept]),
        synced(G.dept, 'Dept (AD)'),
        { id: G.tier0, displayName: 'Tier 0', members: [G.admins] },
        synced(G.admins, 'Admins (AD)'),
        synced(G.dupA, 'Dup (AD)'),
        synced(G.dupB, 'Dup (AD)'),
      ],
    });
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.adam, text: 'help', conversation: CHANNEL }));
    await h.connector.waitFor(() => h.connector.posts(CHANNEL.id).length > 0);
  });
  afterAll(() => h.stop());

  it('preflight shows the group; with nested groups each group of the tree with its level, children first', async () => {
    const one = await call(rita, '/api/tab/preflight', { kind: 'transfer', group: 'Sales (AD)' });
    expect([one.status, one.json.targets]).toEqual([200, [expect.objectContaining({ upn: 'Sales (AD)', userId: SALES, ok: true, level: 0 })]]);
    const tree = await call(rita, '/api/tab/preflight', { kind: 'transfer', group: 'Org (AD)', nested: true });
    expect(tree.status).toBe(200);
    expect(tree.json.targets.map((t: { upn: string; level: number; ok: boolean }) => [t.upn, t.level, t.ok])).toEqual([
      ['Dept (AD)', 1, true],
      ['Org (AD)', 0, true],
    ]);
    // Without the nested groups the root's preflight warns of them, as in chat.
    const alone = await call(rita, '/api/tab/preflight', { kind: 'transfer', group: G.org });
    expect(alone.json.targets).toEqual([expect.objectContaining({ upn: 'Org (AD)', level: 0 })]);
    // Exactly one kind of target.
    const both = await call(rita, '/api/tab/preflight', { kind: 'transfer', group: 'Sales (AD)', upns: ['dave@contoso.com'] });
    expect([both.status, both.json.error]).toEqual([400, 'TAB.BAD_BODY']);
    const nestedUsers = await call(rita, '/api/tab/preflight', { kind: 'transfer', upns: ['dave@contoso.com'], nested: true });
    expect(nestedUsers.status).toBe(400);
  });

  it('creates the same request as `transfer group`: card in the approvals channel, via "tab", idempotent', async () => {
    const key = randomUUID();
    const body = { kind: 'transfer', group: 'Sales (AD)', justification: 'group from the tab', idempotencyKey: key };
    const created = await call(rita, '/api/tab/requests', body);
    expect([created.status, created.json.created]).toEqual([201, true]);
    const id = created.json.id as string;
    await h.connector.waitFor(() => cardsFor(id).length > 0);
    const stored = (await h.app.deps.requests.get(id))!;
    expect(stored).toMatchObject({ kind: 'transfer', targetType: 'group', justification: 'group from the tab', requester: { aadObjectId: rita } });
    expect(stored.targets.map((t) => t.preflight.userId)).toEqual([SALES]);
    const events = await h.app.deps.requests.events(id);
    expect(events[0]).toMatchObject({ type: 'request.created', actorId: rita, data: { via: 'tab' } });

    // The same key: the same request, no second card.
    const again = await call(rita, '/api/tab/requests', body);
    expect([again.status, again.json]).toEqual([200, { id, status: 'pending', version: 1, created: false }]);
    expect(cardsFor(id)).toHaveLength(1);

    // The chat command for the same group is the same request (the one request path's duplicate check).
    const before = h.connector.posts(CHANNEL.id).length;
    await h.send(
      messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'transfer group Sales (AD) reason: group from the tab', conversation: CHANNEL }),
    );
    const reply = await h.connector.waitFor(() =>
      h.connector
        .posts(CHANNEL.id)
        .slice(before)
        .map((p) => p.activity.text ?? '')
        .find((t) => t.includes('same as request')),
    );
    expect(reply).toContain(id);
  });

  it('a tree from the tab is one request for every group of it, levels kept', async () => {
    const created = await call(rita, '/api/tab/requests', {
      kind: 'transfer',
      group: 'Org (AD)',
      nested: true,
      justification: 'tree from the tab',
      idempotencyKey: randomUUID(),
    });
    expect(created.status).toBe(201);
    const stored = (await h.app.deps.requests.get(created.json.id))!;
    expect(stored.targets.map((t) => [t.preflight.userId, t.preflight.depth])).toEqual([
      [G.dept, 1],
      [G.org, 0],
    ]);
  });

  it('an ambiguous name is refused with its candidates, an unknown one as not found; nothing is created', async () => {
    const before = (await h.app.deps.requests.listByStatus(['pending'])).length;
    const ambiguous = await call(rita, '/api/tab/requests', { kind: 'transfer', group: 'Dup (AD)', justification: 'x', idempotencyKey: randomUUID() });
    expect([ambiguous.status, ambiguous.json.error]).toEqual([409, 'GROUP.AMBIGUOUS']);
    expect(ambiguous.json.message).toMatch(/Several groups are named .*Use the object id/);
    expect(ambiguous.json.detail.candidates).toContain(G.dupA);
    expect(ambiguous.json.detail.candidates).toContain(G.dupB);
    const preflight = await call(rita, '/api/tab/preflight', { kind: 'transfer', group: 'Dup (AD)' });
    expect([preflight.status, preflight.json.error]).toEqual([409, 'GROUP.AMBIGUOUS']);
    const unknown = await call(rita, '/api/tab/preflight', { kind: 'rollback', group: 'Nobody here' });
    expect([unknown.status, unknown.json.error]).toEqual([404, 'GROUP.NOT_FOUND']);
    expect((await h.app.deps.requests.listByStatus(['pending'])).length).toBe(before);
  });

  it('a group nested in a protected group is refused by the one target policy', async () => {
    const preflight = await call(rita, '/api/tab/preflight', { kind: 'transfer', group: 'Admins (AD)' });
    expect(preflight.json.targets).toEqual([expect.objectContaining({ upn: 'Admins (AD)', ok: false, reason: expect.stringMatching(/Protected group/) })]);
    const refused = await call(rita, '/api/tab/requests', { kind: 'transfer', group: G.admins, justification: 'x', idempotencyKey: randomUUID() });
    expect([refused.status, refused.json.error]).toEqual([409, 'REQUEST.NONE_ELIGIBLE']);
    expect(refused.json.detail.blocked).toEqual([expect.objectContaining({ upn: 'Admins (AD)', blocker: 'protected' })]);
  });
});
