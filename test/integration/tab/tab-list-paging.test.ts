import { parse } from 'csv-parse/sync';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { aDecision, aPerson, aPreflightResult, aTarget, aRequest } from '../../support/builders';
import { RequestStatus, SoaRequest } from '../../../src/domain/soa-request';
import { tabCall, tabEnv, userToken } from '../../support/tab-client';

/**
 * Filters, sort and keyset paging over a few hundred stored requests, checked against the same
 * selection computed here from what was stored; the export of the same filters row for row.
 */
const ADMIN = PEOPLE.ben.aadObjectId;
const STATUSES: RequestStatus[] = ['pending', 'completed', 'rejected', 'halted', 'expired', 'completed-with-failures'];
const APPROVERS = [
  aPerson({ aadObjectId: '5d0a0001-0000-4000-8000-0000000000a1', name: 'Ann Approver' }),
  aPerson({ aadObjectId: '5d0a0001-0000-4000-8000-0000000000a2', name: 'Abe Approver' }),
];
const REQUESTERS = [
  aPerson({ aadObjectId: '5d0a0001-0000-4000-8000-0000000000c1', name: 'Cy Requester' }),
  aPerson({ aadObjectId: '5d0a0001-0000-4000-8000-0000000000c2', name: '=cmd|x' }),
];
const COUNT = 300;

function stored(i: number): SoaRequest {
  // Several requests share a creation instant, so the id breaks ties in the key.
  const createdAt = new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 3_600_000).toISOString();
  const decided = i % 4 === 0 ? [aDecision({ by: APPROVERS[i % 8 === 0 ? 0 : 1], at: createdAt })] : [];
  return aRequest({
    id: `SOA-T${String(i).padStart(4, '0')}`,
    kind: i % 5 === 0 ? 'rollback' : 'transfer',
    status: STATUSES[i % STATUSES.length],
    requester: REQUESTERS[i % 2],
    justification: i % 7 === 0 ? `=HYPERLINK("http://x","${i}")` : `wave ${i}`,
    createdAt,
    expiresAt: new Date(Date.parse(createdAt) + 86_400_000).toISOString(),
    decisions: decided,
    targets: [aTarget({ preflight: aPreflightResult({ upn: `user${i % 10}@contoso.com`, userId: `5d0a0009-0000-4000-8000-${String(i).padStart(12, '0')}` }) })],
  });
}

describe('tab API lists: filters, sort, paging and export over a few hundred requests', () => {
  let h: BotHarness;
  const all = Array.from({ length: COUNT }, (_, i) => stored(i));
  const call = (path: string) => tabCall(h, path, { token: userToken(h, ADMIN) });

  beforeAll(async () => {
    // A page turner makes many calls a minute: the per-person limit is raised for this test only.
    h = await startBotHarness({ env: tabEnv({ ADMIN_IDS: ADMIN, TAB_RATE_LIMIT_PER_MINUTE: '10000' }) });
    for (const r of all)
      await h.app.deps.requests.create(r, { requestId: r.id, at: r.createdAt, type: 'request.created', actorId: r.requester.aadObjectId, data: {} });
  });
  afterAll(() => h.stop());

  /** Every page of a query, following nextCursor; the page size is small so there are many pages. */
  async function everyPage(query: string, limit = 17): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await call(`/api/tab/requests?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      expect(response.json.items.length).toBeLessThanOrEqual(limit);
      ids.push(...response.json.items.map((item: { id: string }) => item.id));
      cursor = response.json.nextCursor;
      expect(response.json.next).toBe(cursor);
      pages++;
    } while (cursor && pages < 100);
    return ids;
  }

  const newest = (a: SoaRequest, b: SoaRequest) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1);
  const ids = (rs: SoaRequest[]) => rs.map((r) => r.id);

  it('newest first (default), oldest first (sort=created) and by status, each page after the last, no row twice', async () => {
    const byNewest = [...all].sort(newest);
    expect(await everyPage('')).toEqual(ids(byNewest));
    expect(await everyPage('sort=-created')).toEqual(ids(byNewest));
    expect(await everyPage('sort=created')).toEqual(ids([...byNewest].reverse()));
    const byStatus = [...byNewest].sort((a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0));
    expect(await everyPage('sort=status', 13)).toEqual(ids(byStatus));
    // A cursor of one order is not taken by another.
    const first = await call('/api/tab/requests?sort=status&limit=5');
    expect((await call(`/api/tab/requests?sort=created&cursor=${first.json.nextCursor}`)).status).toBe(400);
    expect((await call('/api/tab/requests?sort=name')).json.error).toBe('TAB.BAD_QUERY');
  });

  it('filters combine: state, kind, requester, upn, dates, approver by id or by name', async () => {
    const byNewest = [...all].sort(newest);
    const cases: [string, (r: SoaRequest) => boolean][] = [
      ['state=pending,halted', (r) => r.status === 'pending' || r.status === 'halted'],
      ['kind=rollback', (r) => r.kind === 'rollback'],
      [`requester=${REQUESTERS[1].aadObjectId}&kind=transfer`, (r) => r.requester === REQUESTERS[1] && r.kind === 'transfer'],
      ['upn=USER3@contoso.com', (r) => r.targets[0].preflight.upn === 'user3@contoso.com'],
      ['from=2026-01-02&to=2026-01-03', (r) => r.createdAt >= '2026-01-02T00:00:00.000Z' && r.createdAt < '2026-01-04T00:00:00.000Z'],
      [`approver=${APPROVERS[0].aadObjectId}`, (r) => r.decisions.some((d) => d.by.aadObjectId === APPROVERS[0].aadObjectId)],
      ['approver=abe%20APPROVER&state=completed', (r) => r.status === 'completed' && r.decisions.some((d) => d.by.name === 'Abe Approver')],
      ['approver=nobody', () => false],
    ];
    for (const [query, keep] of cases) {
      const expected = ids(byNewest.filter(keep));
      expect([query, await everyPage(query)]).toEqual([query, expected]);
    }
    // The approver filter on the status order pages too.
    const approverSorted = byNewest.filter((r) => r.decisions.length > 0).sort((a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0));
    expect(await everyPage(`approver=${APPROVERS[1].aadObjectId}&sort=status`, 7)).toEqual(
      ids(approverSorted.filter((r) => r.decisions[0].by === APPROVERS[1])),
    );
  });

  it('the CSV export has the rows of the same filters, cells formula-safe; JSON the same rows', async () => {
    const expected = [...all].sort(newest).filter((r) => r.kind === 'transfer');
    const csv = await call('/api/tab/export.csv?kind=transfer');
    expect(csv.status).toBe(200);
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.id)).toEqual(ids(expected));
    for (const [row, request] of rows.map((r, i) => [r, expected[i]] as const)) {
      expect(row).toMatchObject({
        kind: 'transfer',
        status: request.status,
        created_at: request.createdAt,
        requester_id: request.requester.aadObjectId,
        users: '1',
      });
      // Nothing a spreadsheet would run: text that starts a formula is quoted with a leading apostrophe.
      for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@]/);
      if (request.justification.startsWith('=')) expect(row.justification).toBe(`'${request.justification}`);
      if (request.requester.name.startsWith('=')) expect(row.requester_name).toBe(`'${request.requester.name}`);
    }
    h.clock.advance(1_000); // the bot's clock moves only when the test moves it: "most recent" needs two instants
    const json = await call('/api/tab/export.json?kind=transfer&sort=status');
    const byStatus = [...expected].sort((a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0));
    expect(json.json.map((r: { id: string }) => r.id)).toEqual(ids(byStatus));
    // The export is recorded in the log with who, what and how many rows; no content.
    const line = h.logs.find((l) => l.includes('tab export served') && l.includes('"rows":' + expected.length));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ actorId: ADMIN, format: 'csv', rows: expected.length, filters: ['kind'] });
    expect(line).not.toContain('HYPERLINK');
    // ...and durably, newest first: who took the history out, when, with which filters.
    const recorded = await h.app.deps.exports.recent(2);
    expect(recorded.map(({ actorId, format, filters, rows, complete }) => ({ actorId, format, filters, rows, complete }))).toEqual([
      { actorId: ADMIN, format: 'json', filters: { kind: 'transfer', sort: 'status' }, rows: expected.length, complete: true },
      { actorId: ADMIN, format: 'csv', filters: { kind: 'transfer' }, rows: expected.length, complete: true },
    ]);
  });
});
