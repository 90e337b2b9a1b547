import { createGraphDirectory, type CreatedGraphDirectory } from '../../../src/adapters/graph';
import type { GraphCallRecord } from '../../../src/ports/directory';
import type { Logger } from '../../../src/ports/logger';
import { bulkUserUpn, startGraphEmulator, withSyncedUsers } from '../../../emulator';
import type { RunningEmulator } from '../../../emulator/emulator-api';
import { IDS, SEED, emulatorDirectoryOptions, graphCalls } from './graph-test-kit';

// One Graph client, token cache and throttle controller for every request; each call is filed in the record
// of the request it was made for (ports/request-directories.ts), and a call made outside any request in none.

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startGraphEmulator({ seed: withSyncedUsers(SEED, 40, 'contoso.com'), auditDelayMs: 0 });
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(() => emu.control.reset());

type Line = Record<string, unknown> & { msg: string };

/** A logger that keeps every line with its bindings, as pino writes them. */
function recordingLogger(lines: Line[], bindings: Record<string, unknown> = {}): Logger {
  const write = (fields: Record<string, unknown>, msg: string) => void lines.push({ ...bindings, ...fields, msg });
  return { debug: write, info: write, warn: write, error: write, child: (more) => recordingLogger(lines, { ...bindings, ...more }) };
}

function graph(): { built: CreatedGraphDirectory; filed: { requestId: string; call: GraphCallRecord }[]; lines: Line[]; logger: Logger } {
  const filed: { requestId: string; call: GraphCallRecord }[] = [];
  const lines: Line[] = [];
  const logger = recordingLogger(lines);
  const built = createGraphDirectory({
    ...emulatorDirectoryOptions(emu),
    callLog: { record: (requestId, call) => void filed.push({ requestId, call }) },
    logger,
  });
  return { built, filed, lines, logger };
}

const pathsOf = (filed: { requestId: string; call: GraphCallRecord }[], requestId: string) =>
  filed
    .filter((f) => f.requestId === requestId)
    .map((f) => `${f.call.method} ${f.call.path}`)
    .sort();

describe('the Graph call log', () => {
  it("files two requests' interleaved calls each in its own record, logs them with its id, and files a call outside any request nowhere", async () => {
    const { built, filed, lines, logger } = graph();
    const one = built.directories.forRequest('R-1', logger.child({ requestId: 'R-1' }));
    const two = built.directories.forRequest('R-2', logger.child({ requestId: 'R-2' }));
    await Promise.all([
      one.directory.getUser(IDS.alice),
      two.directory.getUser(IDS.dollar),
      one.directory.getCloudManaged(IDS.alice),
      two.directory.getCloudManaged(IDS.dollar),
    ]);
    await built.directory.getUser(IDS.cloud);

    expect(pathsOf(filed, 'R-1')).toEqual([`GET /v1.0/users/${IDS.alice}`, `GET /v1.0/users/${IDS.alice}/onPremisesSyncBehavior`]);
    expect(pathsOf(filed, 'R-2')).toEqual([`GET /v1.0/users/${IDS.dollar}`, `GET /v1.0/users/${IDS.dollar}/onPremisesSyncBehavior`]);
    expect(filed).toHaveLength(4);
    // Each record names Graph's own request-id of that call.
    const graphIds = new Map(graphCalls(emu).map((c) => [c.requestId, `${c.method} /v1.0${c.path}`]));
    for (const { call } of filed) expect(graphIds.get(call.requestId!)).toBe(`${call.method} ${call.path}`);

    const callLines = lines.filter((l) => l.msg === 'graph call');
    const pathOf = (l: Line) => (l.graph as GraphCallRecord).path;
    expect(callLines.filter((l) => l.requestId === 'R-1').map(pathOf)).toEqual(expect.arrayContaining([`/v1.0/users/${IDS.alice}`]));
    expect(callLines.filter((l) => l.requestId === 'R-1').every((l) => pathOf(l).includes(IDS.alice))).toBe(true);
    expect(callLines.filter((l) => l.requestId === 'R-2').every((l) => pathOf(l).includes(IDS.dollar))).toBe(true);
    expect(callLines.find((l) => pathOf(l) === `/v1.0/users/${IDS.cloud}`)).not.toHaveProperty('requestId');
  });

  it("carries two requests' bulk items in batches of their own, each $batch filed in its request's record only", async () => {
    const { built, filed, lines, logger } = graph();
    const one = built.directories.forRequest('R-1', logger.child({ requestId: 'R-1' }));
    const two = built.directories.forRequest('R-2', logger.child({ requestId: 'R-2' }));
    const upns = Array.from({ length: 32 }, (_, i) => bulkUserUpn(i, 'contoso.com'));
    // Started in the same turn: one executor would put them in shared batches if it did not keep requests apart.
    const [found1, found2] = await Promise.all([one.bulk!.getUsers(upns.slice(0, 15)), two.bulk!.getUsers(upns.slice(15, 30))]);
    expect([...found1.values(), ...found2.values()].every((r) => r.ok && r.value !== null)).toBe(true);
    await built.bulkDirectory.getUsers(upns.slice(30));

    const posts = graphCalls(emu).filter((c) => !c.inBatch && c.path === '/$batch');
    const batchesOf = (requestId: string) => filed.filter((f) => f.requestId === requestId && f.call.path === '/v1.0/$batch').map((f) => f.call.requestId);
    expect(batchesOf('R-1').length).toBeGreaterThan(0);
    expect(batchesOf('R-2').length).toBeGreaterThan(0);
    expect(batchesOf('R-1').filter((id) => batchesOf('R-2').includes(id))).toEqual([]);
    // Every $batch is filed once, except the one made outside any request (the last), which is in no record.
    expect(filed).toHaveLength(posts.length - 1);
    expect(filed.map((f) => f.call.requestId)).not.toContain(posts.at(-1)!.requestId);
    // Each request's batches carried its own items, and were logged with its id.
    const itemsLogged = (requestId: string) =>
      lines.filter((l) => l.msg === 'graph batch' && l.requestId === requestId).reduce((n, l) => n + (l.graphBatch as { items: number }).items, 0);
    expect(itemsLogged('R-1')).toBe(15);
    expect(itemsLogged('R-2')).toBe(15);
  });
});
