import { httpStatusOf } from '../../src/adapters/http/tab-api';
import { AppDeps } from '../../src/app/app-deps';
import { Authorization } from '../../src/app/authorization';
import { buildQuery, decodeCursor, encodeCursor } from '../../src/app/tab/list-requests';
import { tabViewer, TabViewer } from '../../src/app/tab/tab-viewer';
import { waitingForMe } from '../../src/app/tab/waiting-for-me';
import { exportRequests } from '../../src/app/tab/export-requests';
import { silentLogger } from '../../src/adapters/logging/pino-logger';
import { openMemoryStorage } from '../../src/adapters/storage';
import type { Directory } from '../../src/ports/directory';
import { SoaRequest } from '../../src/domain/soa-request';
import { VirtualClock } from '../support/virtual-clock';
import { aDecision, aPerson, aRequestEvent, aRequest } from '../support/builders';
import { roleSettings } from '../support/builders';

const ME = 'aaaaaaaa-0000-4000-8000-00000000000a';
const OTHER = 'bbbbbbbb-0000-4000-8000-00000000000b';
const REQUESTER = 'cccccccc-0000-4000-8000-00000000000c';

/** The tab use cases with the real stores on SQLite in memory and Authorization by configured ids (no Graph). */
let uuids = 0;

function tabDeps(roles: Partial<Record<'approverIds' | 'rollbackApproverIds' | 'requesterIds' | 'adminIds', string[]>>) {
  const clock = new VirtualClock();
  const settings = roleSettings(roles);
  const { requests, conversations, delegations, exports } = openMemoryStorage({ clock });
  const deps = {
    requests,
    conversations,
    delegations,
    exports,
    ids: { requestId: () => 'SOA-UNIT', uuid: () => `uuid-${++uuids}` },
    settings: {},
    authorization: new Authorization(settings, {} as Directory, clock),
    clock,
    logger: silentLogger,
  } as unknown as AppDeps;
  return { deps, clock };
}

const hoursAgo = (clock: VirtualClock, h: number) => new Date(clock.now().getTime() - h * 3_600_000).toISOString();

describe('tab: waiting for me', () => {
  it('lists, oldest first, what this approver may decide now: not their own, not decided by them, not expired; halted waves to resume', async () => {
    const { deps, clock } = tabDeps({ approverIds: [ME, OTHER] });
    const make = (id: string, hours: number, overrides: Partial<SoaRequest>) =>
      aRequest({ id, createdAt: hoursAgo(clock, hours), expiresAt: hoursAgo(clock, hours - 24), requester: aPerson({ aadObjectId: REQUESTER }), ...overrides });
    const requests = [
      make('R-NEW', 1, {}),
      make('R-OLD', 5, {}),
      make('R-MINE', 3, { requester: aPerson({ aadObjectId: ME }) }),
      make('R-DECIDED', 4, { approvalsRequired: 2, decisions: [aDecision({ by: aPerson({ aadObjectId: ME }) })] }),
      make('R-OTHER-DECIDED', 4.5, { approvalsRequired: 2, decisions: [aDecision({ by: aPerson({ aadObjectId: OTHER }) })] }),
      make('R-EXPIRED', 30, {}),
      make('R-HALTED', 2, { status: 'halted' }),
      make('R-HALTED-MINE', 2.5, { status: 'halted', requester: aPerson({ aadObjectId: ME }) }),
      make('R-ROLLBACK', 6, { kind: 'rollback' }),
      make('R-DONE', 7, { status: 'completed' }),
    ];
    for (const r of requests) await deps.requests.create(r, aRequestEvent({ requestId: r.id }));
    const answer = await waitingForMe(deps, await tabViewer(deps, { oid: ME, tenantId: 't', name: 'Me' }));
    if (!answer.ok) throw new Error('refused');
    expect(answer.value.items.map((i) => [i.id, i.action])).toEqual([
      ['R-OLD', 'decide'],
      ['R-OTHER-DECIDED', 'decide'],
      ['R-HALTED', 'resume-or-cancel'],
      ['R-NEW', 'decide'],
    ]);
    expect(answer.value.items[1]).toMatchObject({ approvals: 1, approvalsRequired: 2 });
    // The clock runs on between building the requests and asking: a second of slack.
    expect(answer.value.items[0].ageSeconds - 5 * 3600).toBeGreaterThanOrEqual(0);
    expect(answer.value.items[0].ageSeconds - 5 * 3600).toBeLessThanOrEqual(1);
    expect(19 * 3600 - answer.value.items[0].expiresInSeconds).toBeGreaterThanOrEqual(0);
    expect(19 * 3600 - answer.value.items[0].expiresInSeconds).toBeLessThanOrEqual(1);
  });

  it('is refused (403) for someone with no role and empty for a requester or admin', async () => {
    const { deps } = tabDeps({ requesterIds: [ME], adminIds: [OTHER] });
    await deps.requests.create(aRequest(), aRequestEvent());
    const nobody = await waitingForMe(deps, await tabViewer(deps, { oid: REQUESTER, tenantId: 't', name: 'X' }));
    expect(nobody).toMatchObject({ ok: false, error: { code: 'TAB.NO_ROLE' } });
    expect(!nobody.ok && httpStatusOf(nobody.error.code)).toBe(403);
    for (const oid of [ME, OTHER])
      expect(await waitingForMe(deps, await tabViewer(deps, { oid, tenantId: 't', name: 'X' }))).toEqual({
        ok: true,
        text: null,
        value: { items: [], truncated: false },
      });
  });
});

describe('tab: list query and scope', () => {
  const viewer = (roles: Partial<TabViewer['roles']>): TabViewer => ({
    person: { aadObjectId: ME, name: 'Me', mri: null },
    roles: { requester: false, approver: false, 'rollback-approver': false, admin: false, ...roles },
  });

  it('scopes by role and lets filters narrow, never widen', () => {
    const q = (v: TabViewer, filters = {}) => {
      const answer = buildQuery(v, filters, 50);
      return answer.ok ? { kinds: answer.value.kinds, requesterId: answer.value.requesterId } : httpStatusOf(answer.error.code);
    };
    expect(q(viewer({}))).toBe(403);
    expect(q(viewer({ admin: true }))).toEqual({ kinds: undefined, requesterId: undefined });
    expect(q(viewer({ approver: true, 'rollback-approver': true }))).toEqual({ kinds: undefined, requesterId: undefined });
    expect(q(viewer({ approver: true }))).toEqual({ kinds: ['transfer'], requesterId: undefined });
    expect(q(viewer({ approver: true }), { kind: 'rollback' })).toEqual({ kinds: [], requesterId: undefined });
    expect(q(viewer({ 'rollback-approver': true }))).toEqual({ kinds: ['rollback'], requesterId: undefined });
    expect(q(viewer({ requester: true }))).toEqual({ kinds: undefined, requesterId: ME });
    expect(q(viewer({ requester: true }), { requester: OTHER })).toEqual({ kinds: [], requesterId: ME });
    expect(q(viewer({ admin: true }), { mine: '1' })).toEqual({ kinds: undefined, requesterId: ME });
    expect(q(viewer({ admin: true }), { requester: OTHER.toUpperCase() })).toEqual({ kinds: undefined, requesterId: OTHER });
  });

  it('reads dates as whole UTC days (to = through that day) or instants, and refuses anything else', () => {
    const ok = buildQuery(viewer({ admin: true }), { from: '2026-01-01', to: '2026-01-31', state: 'pending,halted', upn: 'a@b.c' }, 50);
    expect(ok).toMatchObject({
      ok: true,
      value: { createdFrom: '2026-01-01T00:00:00.000Z', createdBefore: '2026-02-01T00:00:00.000Z', statuses: ['pending', 'halted'], targetUpn: 'a@b.c' },
    });
    expect(buildQuery(viewer({ admin: true }), { from: '2026-01-01T10:00:00+02:00' }, 50)).toMatchObject({
      value: { createdFrom: '2026-01-01T08:00:00.000Z' },
    });
    for (const bad of [
      { from: '1 Jan 2026' },
      { to: '2026-13-45' },
      { state: 'pending,bogus' },
      { kind: 'all' },
      { requester: 'x' },
      { upn: 'nope' },
      { cursor: 'bm9wZQ' },
    ]) {
      const answer = buildQuery(viewer({ admin: true }), bad, 50);
      expect(answer).toMatchObject({ ok: false, error: { code: 'TAB.BAD_QUERY' } });
      expect(!answer.ok && httpStatusOf(answer.error.code)).toBe(400);
    }
  });

  it('round-trips a cursor and refuses a tampered one', () => {
    const cursor = { createdAt: '2026-01-01T00:00:00.000Z', id: 'R-1' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(Buffer.from('["yesterday","R-1"]').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from('{"createdAt":"2026-01-01","id":"R"}').toString('base64url'))).toBeNull();
    expect(decodeCursor('x'.repeat(500))).toBeNull();
  });
});

describe('tab: export', () => {
  it('streams every row in pages, as CSV and as one JSON array, newest first', async () => {
    const { deps } = tabDeps({ adminIds: [ME] });
    for (let k = 0; k < 1203; k++) {
      const id = `R-${String(k).padStart(4, '0')}`;
      await deps.requests.create(aRequest({ id, createdAt: new Date(Date.UTC(2026, 0, 1) + k * 60_000).toISOString() }), aRequestEvent({ requestId: id }));
    }
    const viewer = await tabViewer(deps, { oid: ME, tenantId: 't', name: 'Me' });
    const collect = async (format: 'csv' | 'json') => {
      const answer = exportRequests(deps, viewer, {}, format);
      if (!answer.ok) throw new Error('refused');
      const chunks: string[] = [];
      for await (const chunk of answer.value) chunks.push(chunk);
      return chunks;
    };
    const json = await collect('json');
    expect(json.length).toBeGreaterThan(3);
    const rows = JSON.parse(json.join('')) as { id: string }[];
    expect(rows).toHaveLength(1203);
    expect(rows[0].id).toBe('R-1202');
    expect(rows[1202].id).toBe('R-0000');
    const csv = (await collect('csv')).join('').trim().split('\n');
    expect(csv).toHaveLength(1204);
    expect(csv[1].startsWith('R-1202,')).toBe(true);
    // An empty history is still a valid document.
    const empty = tabDeps({ adminIds: [ME] });
    const answer = exportRequests(empty.deps, await tabViewer(empty.deps, { oid: ME, tenantId: 't', name: 'Me' }), {}, 'json');
    if (!answer.ok) throw new Error('refused');
    let text = '';
    for await (const chunk of answer.value) text += chunk;
    expect(JSON.parse(text)).toEqual([]);
  });
});
