import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { cardText } from '../../support/card-text';
import { DEMO_IDS, PostedCard, requestInChannel } from '../bot/flow-helpers';
import { OTHER_TENANT, tabCall, tabEnv, userToken } from '../../support/tab-client';
import { aRequest, aTarget, aPreflightResult } from '../../support/builders';
import { CHANNEL } from '../bot/flow-helpers';
import { randomUUID } from 'node:crypto';

/**
 * Who may do what through the tab API, decided on the server from the token's oid and the bot's role
 * settings (never from the page): requester (rita), transfer approver (adam), rollback approver (erin),
 * admin (ben), bystander (carol), and a valid token of another tenant, against every endpoint.
 */
const IDS = {
  requester: PEOPLE.rita.aadObjectId,
  approver: PEOPLE.adam.aadObjectId,
  rollbackApprover: DEMO_IDS.users.erin,
  admin: PEOPLE.ben.aadObjectId,
  bystander: DEMO_IDS.users.carol,
  otherTenant: PEOPLE.adam.aadObjectId,
} as const;
type Who = keyof typeof IDS;
const EVERYONE = Object.keys(IDS) as Who[];

describe('tab API authorization matrix', () => {
  let h: BotHarness;
  let transfer: PostedCard;
  let rollback: PostedCard;
  const token = (who: Who) => userToken(h, IDS[who], { name: `The ${who}`, ...(who === 'otherTenant' ? { tenantId: OTHER_TENANT } : {}) });
  const call = (who: Who, path: string, body?: unknown) => tabCall(h, path, { token: token(who), body });

  beforeAll(async () => {
    h = await startBotHarness({ env: tabEnv({ ADMIN_IDS: IDS.admin, ROLLBACK_APPROVER_IDS: IDS.rollbackApprover, APPROVAL_CHANNEL_ID: CHANNEL.channelId! }) });
    transfer = await requestInChannel(h, 'transfer dave@contoso.com reason: tab matrix');
    h.clock.advance(1_000); // the bot's clock moves only when the test moves it: "newest first" needs two instants
    rollback = await requestInChannel(h, 'rollback ivan@contoso.com reason: tab matrix');
  });
  afterAll(() => h.stop());

  it("me: the roles of the token's person, from the bot settings; another tenant is 401", async () => {
    const roles: Record<Who, string[] | 401> = {
      requester: ['requester'],
      approver: ['approver'],
      rollbackApprover: ['rollback-approver'],
      admin: ['admin'],
      bystander: [],
      otherTenant: 401,
    };
    for (const who of EVERYONE) {
      const response = await call(who, '/api/tab/me');
      if (roles[who] === 401) expect(response.status).toBe(401);
      else expect([who, response.status, response.json]).toEqual([who, 200, { id: IDS[who], name: `The ${who}`, roles: roles[who] }]);
    }
  });

  it("waiting: pending transfers for transfer approvers, pending rollbacks for rollback approvers, never one's own", async () => {
    const expected: Record<Who, string[] | number> = {
      requester: [],
      approver: [transfer.requestId],
      rollbackApprover: [rollback.requestId],
      admin: [],
      bystander: 403,
      otherTenant: 401,
    };
    for (const who of EVERYONE) {
      const response = await call(who, '/api/tab/waiting');
      if (typeof expected[who] === 'number') expect([who, response.status]).toEqual([who, expected[who]]);
      else expect([who, response.status, response.json.items.map((i: { id: string }) => i.id)]).toEqual([who, 200, expected[who]]);
    }
    const item = (await call('approver', '/api/tab/waiting')).json.items[0];
    expect(item).toMatchObject({
      id: transfer.requestId,
      kind: 'transfer',
      status: 'pending',
      version: transfer.version,
      action: 'decide',
      users: 1,
      approvals: 0,
      approvalsRequired: 1,
    });
    expect(item.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(item.expiresInSeconds).toBeGreaterThan(3600);
  });

  it('list: admins see all, approvers the kind they approve, requesters only their own, bystanders nothing', async () => {
    const both = [rollback.requestId, transfer.requestId];
    const expected: Record<Who, string[] | number> = {
      requester: both,
      approver: [transfer.requestId],
      rollbackApprover: [rollback.requestId],
      admin: both,
      bystander: 403,
      otherTenant: 401,
    };
    for (const who of EVERYONE) {
      const response = await call(who, '/api/tab/requests');
      if (typeof expected[who] === 'number') expect([who, response.status]).toEqual([who, expected[who]]);
      else expect([who, response.status, response.json.items.map((i: { id: string }) => i.id)]).toEqual([who, 200, expected[who]]);
    }
    // Filters narrow, never widen: a requester asking for someone else's requests gets none.
    expect((await call('requester', `/api/tab/requests?requester=${IDS.admin}`)).json.items).toEqual([]);
    expect((await call('approver', '/api/tab/requests?kind=rollback')).json.items).toEqual([]);
    expect((await call('admin', '/api/tab/requests?kind=rollback')).json.items.map((i: { id: string }) => i.id)).toEqual([rollback.requestId]);
    expect((await call('admin', '/api/tab/requests?upn=DAVE@contoso.com')).json.items.map((i: { id: string }) => i.id)).toEqual([transfer.requestId]);
    expect((await call('admin', '/api/tab/requests?mine=1')).json.items).toEqual([]);
    // Paging: one per page, the cursor leads to the next, then none.
    const first = await call('admin', '/api/tab/requests?limit=1');
    expect(first.json.items.map((i: { id: string }) => i.id)).toEqual([rollback.requestId]);
    const second = await call('admin', `/api/tab/requests?limit=1&cursor=${first.json.next}`);
    expect([second.json.items.map((i: { id: string }) => i.id), second.json.next]).toEqual([[transfer.requestId], null]);
    for (const bad of ['limit=101', 'limit=0', 'state=nope', 'kind=both', 'from=yesterday', 'requester=rita', 'cursor=%%%', 'upn=not-an-upn']) {
      const response = await call('admin', `/api/tab/requests?${bad}`);
      expect([bad, response.status, response.json.error]).toEqual([bad, 400, 'TAB.BAD_QUERY']);
    }
  });

  it('detail: requester, approvers of its kind and admins; everyone else the same 404 as an unknown id', async () => {
    const expected: Record<Who, number> = { requester: 200, approver: 200, rollbackApprover: 404, admin: 200, bystander: 404, otherTenant: 401 };
    for (const who of EVERYONE) {
      const response = await call(who, `/api/tab/requests/${transfer.requestId}`);
      expect([who, response.status]).toEqual([who, expected[who]]);
    }
    const unknown = await call('bystander', '/api/tab/requests/R-NOPE');
    const hidden = await call('bystander', `/api/tab/requests/${transfer.requestId}`);
    expect(hidden.json).toEqual(unknown.json);
    const detail = (await call('approver', `/api/tab/requests/${transfer.requestId}`)).json;
    expect(detail).toMatchObject({ id: transfer.requestId, version: transfer.version, may: { decide: true, resume: false, cancel: false } });
    expect(detail.targets).toEqual([expect.objectContaining({ upn: 'dave@contoso.com', userId: DEMO_IDS.users.dave, outcome: 'pending' })]);
    expect(detail.timeline.map((e: { type: string }) => e.type)).toContain('request.created');
    expect((await call('requester', `/api/tab/requests/${transfer.requestId}`)).json.may).toEqual({ decide: false, resume: false, cancel: false });
  });

  it('decide: only an approver of the kind, bound to the version shown; the chat card updates as after a click', async () => {
    const body = (decision: string, version = transfer.version) => ({ decision, comment: 'from the tab', version });
    const path = `/api/tab/requests/${transfer.requestId}/decision`;
    const refusals: Record<Exclude<Who, 'approver'>, [number, string]> = {
      requester: [403, 'APPROVER.NOT_ALLOWED'],
      rollbackApprover: [404, 'REQUEST.NOT_VISIBLE'],
      admin: [403, 'APPROVER.NOT_ALLOWED'],
      bystander: [404, 'REQUEST.NOT_VISIBLE'],
      otherTenant: [401, 'unauthorized'],
    };
    for (const [who, [status, code]] of Object.entries(refusals) as [Who, [number, string]][]) {
      const response = await call(who, path, body('approve'));
      expect([who, response.status, response.json.error]).toEqual([who, status, code]);
    }
    // Malformed bodies and an out-of-date version change nothing.
    for (const bad of [{ decision: 'approve' }, { decision: 'maybe', version: 1 }, { ...body('approve'), role: 'admin' }, 'approve']) {
      expect((await call('approver', path, bad)).status).toBe(400);
    }
    const stale = await call('approver', path, body('approve', transfer.version - 1));
    expect([stale.status, stale.json.error]).toEqual([409, 'REQUEST.STALE_CARD']);
    // A rejection needs a comment here as on the card and in chat.
    const bare = await call('approver', path, { decision: 'reject', comment: '  ', version: transfer.version });
    expect([bare.status, bare.json.error]).toEqual([400, 'DECISION.COMMENT_REQUIRED']);
    expect((await h.app.deps.requests.get(transfer.requestId))!.decisions).toEqual([]);

    const approved = await call('approver', path, body('approve'));
    expect(approved.status).toBe(200);
    expect(approved.json.text).toMatch(/Approved by The approver/);
    const events = await h.app.deps.requests.events(transfer.requestId);
    expect(events.find((e) => e.type === 'decision.approve')).toMatchObject({
      actorId: IDS.approver,
      data: { via: 'tab', comment: 'from the tab', cardVersion: transfer.version },
    });
    // The same card message in the channel is updated, as after a card click.
    const before = h.connector.updates(transfer.activityId).length;
    const updated = await h.connector.waitFor(() => {
      const card = h.connector.latestCard(transfer.activityId);
      return h.connector.updates(transfer.activityId).length > before && card && /Approved/i.test(cardText(card)) ? card : null;
    });
    expect(JSON.stringify(updated)).not.toContain('"verb":"soa.approve"');
    // A second decision on the same version is refused.
    expect((await call('approver', path, body('reject'))).status).toBe(409);

    // The rollback: only its (rollback) approvers decide it.
    const rollbackPath = `/api/tab/requests/${rollback.requestId}/decision`;
    const onRollback = { decision: 'approve', comment: null, version: rollback.version };
    expect((await call('approver', rollbackPath, onRollback)).status).toBe(404);
    expect((await call('admin', rollbackPath, onRollback)).status).toBe(403);
    const byRollbackApprover = await call('rollbackApprover', rollbackPath, onRollback);
    expect([byRollbackApprover.status, byRollbackApprover.json.status]).toEqual([200, 'awaiting-safeguard']);
    expect((await call('rollbackApprover', '/api/tab/waiting')).json.items).toEqual([]);
  });

  it('export: approvers and admins, in their list scope, as formula-safe CSV; requesters and bystanders refused', async () => {
    const expected: Record<Who, number> = { requester: 403, approver: 200, rollbackApprover: 200, admin: 200, bystander: 403, otherTenant: 401 };
    for (const who of EVERYONE) {
      const response = await call(who, '/api/tab/export.csv');
      expect([who, response.status]).toEqual([who, expected[who]]);
    }
    const admin = await call('admin', '/api/tab/export.csv');
    expect(admin.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(admin.headers.get('cache-control')).toBe('no-store');
    expect(admin.headers.get('x-content-type-options')).toBe('nosniff');
    const lines = admin.text.trim().split('\n');
    expect(lines[0]).toMatch(/^id,kind,status,created_at/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([rollback.requestId, transfer.requestId]);
    // The same rows as JSON, for the same people.
    const json = await call('admin', '/api/tab/export.json');
    expect([json.status, json.headers.get('content-type'), json.headers.get('cache-control')]).toEqual([200, 'application/json; charset=utf-8', 'no-store']);
    expect(json.json.map((row: { id: string }) => row.id)).toEqual([rollback.requestId, transfer.requestId]);
    expect(json.json[1]).toMatchObject({ kind: 'transfer', requester_id: IDS.requester, users: '1', approvals: '1/1', decided_by: 'approve:The approver' });
    expect((await call('requester', '/api/tab/export.json')).status).toBe(403);
    expect((await call('admin', '/api/tab/export.json?kind=nope')).status).toBe(400);
    const approver = await call('approver', '/api/tab/export.csv');
    expect(
      approver.text
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    ).toEqual([transfer.requestId]);
    // Cells that a spreadsheet would run as a formula are neutralized (the bot's one CSV writer).
    const hostile = await requestInChannel(h, 'transfer alice@contoso.com reason: =HYPERLINK("http://evil.example","x")');
    const csv = (await call('admin', `/api/tab/export.csv?upn=alice@contoso.com`)).text;
    expect(csv).toContain(hostile.requestId);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
  });

  it('progress: anyone with a role; preflight and new requests: requesters only, as in chat', async () => {
    const progress: Record<Who, number> = { requester: 200, approver: 200, rollbackApprover: 200, admin: 200, bystander: 403, otherTenant: 401 };
    const preflight: Record<Who, number> = { requester: 200, approver: 403, rollbackApprover: 403, admin: 403, bystander: 403, otherTenant: 401 };
    const create: Record<Who, number> = { requester: 201, approver: 403, rollbackApprover: 403, admin: 403, bystander: 403, otherTenant: 401 };
    for (const who of EVERYONE) {
      expect([who, 'progress', (await call(who, '/api/tab/progress')).status]).toEqual([who, 'progress', progress[who]]);
      const checked = await call(who, '/api/tab/preflight', { kind: 'transfer', upns: ['frank@contoso.com'] });
      expect([who, 'preflight', checked.status]).toEqual([who, 'preflight', preflight[who]]);
      if (checked.status === 403) expect(checked.json.error).toBe('REQUESTER.NOT_ALLOWED');
      const group = await call(who, '/api/tab/preflight', { kind: 'transfer', group: 'Sales (AD)' });
      expect([who, 'group preflight', group.status]).toEqual([who, 'group preflight', preflight[who]]);
      const groupRequest = await call(who, '/api/tab/requests', {
        kind: 'rollback',
        group: 'Sales (AD)',
        justification: 'matrix',
        idempotencyKey: randomUUID(),
      });
      // Sales (AD) is still managed in AD DS: a rollback of it is the chat refusal (none eligible).
      expect([who, 'group request', groupRequest.status]).toEqual([who, 'group request', create[who] === 201 ? 409 : create[who]]);
      const made = await call(who, '/api/tab/requests', {
        kind: 'rollback',
        upns: ['judy@contoso.com', 'frank@contoso.com'],
        justification: 'matrix',
        idempotencyKey: randomUUID(),
      });
      // judy is blocked by her cloud group; frank (rolled back, waiting for sync) too: none eligible is the chat refusal.
      const status = create[who] === 201 ? 409 : create[who];
      expect([who, 'new request', made.status]).toEqual([who, 'new request', status]);
    }
    const made = await call('requester', '/api/tab/requests', {
      kind: 'transfer',
      upns: ['carol@contoso.com'],
      justification: 'matrix',
      idempotencyKey: randomUUID(),
    });
    expect([made.status, made.json.status]).toEqual([201, 'pending']);
    // The new request is in the lists of those who may see it, and only theirs.
    expect((await call('approver', '/api/tab/waiting')).json.items.map((i: { id: string }) => i.id)).toContain(made.json.id);
    expect((await call('rollbackApprover', `/api/tab/requests/${made.json.id}`)).status).toBe(404);
  });

  it('resume/cancel of a halted wave: approvers of its kind only; resume not by its requester', async () => {
    const halted = aRequest({
      id: 'SOA-HALT1',
      status: 'halted',
      requester: { aadObjectId: IDS.requester, name: 'The requester', mri: null },
      createdAt: h.clock.now().toISOString(),
      expiresAt: new Date(h.clock.now().getTime() + 86_400_000).toISOString(),
      targets: [aTarget({ preflight: aPreflightResult({ upn: 'grace@contoso.com', userId: DEMO_IDS.users.grace }) })],
      bulk: { waves: [1], nextWave: 1, haltFailureRate: 0.05, haltedReason: 'halted for the matrix', fingerprint: 'AAAA-BBBB-CCCC', source: 'matrix' },
    });
    await h.app.deps.requests.create(halted, { requestId: halted.id, at: halted.createdAt, type: 'request.created', data: {} });
    const path = `/api/tab/requests/${halted.id}/decision`;
    const refusals: Record<Exclude<Who, 'approver'>, [number, string]> = {
      requester: [403, 'APPROVER.NOT_ALLOWED'],
      rollbackApprover: [404, 'REQUEST.NOT_VISIBLE'],
      admin: [403, 'APPROVER.NOT_ALLOWED'],
      bystander: [404, 'REQUEST.NOT_VISIBLE'],
      otherTenant: [401, 'unauthorized'],
    };
    for (const decision of ['resume', 'cancel']) {
      for (const [who, [status, code]] of Object.entries(refusals) as [Who, [number, string]][]) {
        const response = await call(who, path, { decision, version: halted.cardVersion });
        expect([who, decision, response.status, response.json.error]).toEqual([who, decision, status, code]);
      }
    }
    const detail = (await call('approver', `/api/tab/requests/${halted.id}`)).json;
    expect(detail.may).toEqual({ decide: false, resume: true, cancel: true });
    expect(detail.progress).toEqual({ total: 1, done: 0, failed: 0, skipped: 0, pending: 1, haltedReason: 'halted for the matrix', running: false });
    expect((await call('requester', `/api/tab/requests/${halted.id}`)).json.may).toEqual({ decide: false, resume: false, cancel: false });
    const cancelled = await call('approver', path, { decision: 'cancel', version: halted.cardVersion });
    expect([cancelled.status, cancelled.json.status]).toEqual([200, 'cancelled']);
    const after = (await call('approver', `/api/tab/requests/${halted.id}`)).json;
    expect([after.progress.skipped, after.targets[0].progressState, after.timeline.at(-1)]).toEqual([
      1,
      'skipped',
      expect.objectContaining({ type: 'bulk.cancel', via: 'tab', who: { id: IDS.approver, name: null } }),
    ]);
  });

  it('delegations: each sees those they give or hold, an admin all; the delegator or an admin ends one, as `delegate off` does', async () => {
    const now = h.clock.now();
    const delegation = (id: string, from: Who, to: string, toName: string) => ({
      id,
      delegator: { aadObjectId: IDS[from], name: `The ${from}` },
      delegate: { aadObjectId: to, name: toName },
      startsAt: now.toISOString(),
      endsAt: new Date(now.getTime() + 86_400_000).toISOString(),
      createdBy: IDS[from],
      createdAt: now.toISOString(),
      endedAt: null,
      endedBy: null,
    });
    // The approver hands their right to the rollback approver, who hands theirs to the bystander.
    await h.app.deps.delegations.create(delegation('d-approver', 'approver', IDS.rollbackApprover, 'The rollbackApprover'));
    await h.app.deps.delegations.create(delegation('d-rollback', 'rollbackApprover', IDS.bystander, 'The bystander'));
    const seen: Record<Who, [string, boolean][] | number> = {
      requester: [],
      approver: [['d-approver', true]],
      rollbackApprover: [
        ['d-approver', false],
        ['d-rollback', true],
      ],
      admin: [
        ['d-approver', true],
        ['d-rollback', true],
      ],
      bystander: 403,
      otherTenant: 401,
    };
    for (const who of EVERYONE) {
      const response = await call(who, '/api/tab/delegations');
      if (typeof seen[who] === 'number') expect([who, response.status]).toEqual([who, seen[who]]);
      else {
        const rows = response.json.delegations.map((d: { id: string; canEnd: boolean }) => [d.id, d.canEnd]);
        expect([who, response.status, rows]).toEqual([who, 200, seen[who]]);
      }
    }
    expect((await call('approver', '/api/tab/delegations')).json.delegations[0]).toEqual({
      id: 'd-approver',
      delegator: { id: IDS.approver, name: 'The approver' },
      delegate: { id: IDS.rollbackApprover, name: 'The rollbackApprover' },
      from: now.toISOString(),
      until: new Date(now.getTime() + 86_400_000).toISOString(),
      canEnd: true,
    });

    // Ending: not seen is not found; the delegate may not end it; the delegator (no body) or an admin may.
    const end = (who: Who, id: string) => tabCall(h, `/api/tab/delegations/${id}/end`, { token: token(who), method: 'POST' });
    const refusals: [Who, string, number, string][] = [
      ['requester', 'd-rollback', 404, 'DELEGATION.NONE'],
      ['approver', 'd-rollback', 404, 'DELEGATION.NONE'],
      ['bystander', 'd-rollback', 403, 'TAB.NO_ROLE'],
      ['otherTenant', 'd-rollback', 401, 'unauthorized'],
      ['rollbackApprover', 'd-approver', 403, 'ADMIN.ONLY'],
    ];
    for (const [who, id, status, code] of refusals) {
      const response = await end(who, id);
      expect([who, id, response.status, response.json.error]).toEqual([who, id, status, code]);
    }
    expect((await h.app.deps.delegations.active(h.clock.now().toISOString())).map((d) => d.id)).toEqual(['d-approver', 'd-rollback']);
    const byDelegator = await end('rollbackApprover', 'd-rollback');
    expect([byDelegator.status, byDelegator.json]).toEqual([200, { id: 'd-rollback', ended: true }]);
    const byAdmin = await call('admin', '/api/tab/delegations/d-approver/end', {});
    expect(byAdmin.status).toBe(200);
    expect((await end('admin', 'd-approver')).status).toBe(404);
    expect((await call('admin', '/api/tab/delegations')).json.delegations).toEqual([]);
    // Recorded as `delegate off` records it (who ended it), logged with via "tab".
    const ended = h.logs.filter((l) => l.includes('"delegation ended"')).map((l) => JSON.parse(l));
    expect(ended.map((l) => [l.delegationId, l.endedBy, l.via])).toEqual([
      ['d-rollback', IDS.rollbackApprover, 'tab'],
      ['d-approver', IDS.admin, 'tab'],
    ]);
  });
});
