import * as path from 'node:path';
import { toGroupRecord } from '../../../emulator/state/tenant-state';
import { openSqliteStorage } from '../../../src/adapters/storage';
import { BotProcess, startBotProcess } from '../../support/bot-process';
import { botEnvFor } from '../../support/bot-env';
import { approveVia, crashStage, requestVia } from './crash-kit';
import { waitUntil } from '../../support/wait-until';

const ROOT = '5d0a0009-0000-4000-8000-000000000001';
const MID = '5d0a0009-0000-4000-8000-000000000002';
const LEAF = '5d0a0009-0000-4000-8000-000000000003';

/**
 * A group tree (docs/soa-and-graph.md §6a) whose process is SIGKILLed while the middle group's PATCH is in
 * flight (it lands anyway): after the restart the tree finishes bottom-up and no group is converted twice.
 */
describe('kill -9 in the middle of a group tree (sqlite)', () => {
  const stage = crashStage('soa-group-crash-');
  let bot: BotProcess | null = null;
  afterEach(async () => {
    await bot?.kill('SIGKILL');
    bot = null;
  });

  it('the tree completes after a restart with exactly one successful PATCH per group, children first', async () => {
    const groups = [
      { id: ROOT, displayName: 'Crash root (AD)', members: [MID] },
      { id: MID, displayName: 'Crash mid (AD)', members: [LEAF] },
      { id: LEAF, displayName: 'Crash leaf (AD)', members: [] },
    ];
    for (const g of groups)
      stage.emulator.state.groups.set(g.id, toGroupRecord({ ...g, onPremisesSyncEnabled: true, onPremisesImmutableId: `anchor-${g.id.slice(-1)}` }));
    const dbPath = path.join(stage.dir, 'bot.db');
    const env = botEnvFor(stage.emulator, {
      DATABASE_URL: `sqlite:${dbPath}`,
      JOB_POLL_INTERVAL: '100ms',
      JOB_LEASE: '1s',
      GRAPH_TIMEOUT: '5s',
      LOG_LEVEL: 'info',
    });
    const status = async (id: string) => {
      const storage = openSqliteStorage({ path: dbPath });
      try {
        return (await storage.requests.get(id))?.status;
      } finally {
        await storage.close();
      }
    };
    const patches = (id: string) =>
      stage.emulator.control.calls().filter((c) => c.method === 'PATCH' && c.path.endsWith(`/groups/${id}/onPremisesSyncBehavior`) && c.status < 300);

    bot = await startBotProcess(env);
    const r = await requestVia(bot, stage.connector, 'transfer group Crash root (AD) with nested groups reason: crash mid-tree');
    const slowPatch = stage.emulator.control.injectFault({
      method: 'PATCH',
      pathPattern: `^/groups/${MID}/onPremisesSyncBehavior$`,
      kind: 'delay',
      delayMs: 1500,
      times: 1,
    });
    await approveVia(bot, stage.connector, r);
    await waitUntil(
      () => stage.emulator.control.faultHits(slowPatch) === 1,
      "the middle group's PATCH to reach Graph",
      20_000,
      () => bot!.output,
    );
    await bot.kill('SIGKILL');
    await waitUntil(() => stage.emulator.state.groups.get(MID)!.isCloudManaged, 'the delayed PATCH to land');
    expect(stage.emulator.state.groups.get(ROOT)!.isCloudManaged).toBe(false);

    bot = await startBotProcess(env);
    await waitUntil(
      async () => (await status(r.requestId)) === 'completed',
      'the tree to complete after restart',
      40_000,
      () => bot!.output,
    );
    for (const id of [LEAF, MID, ROOT]) expect({ id, successfulPatches: patches(id).length }).toEqual({ id, successfulPatches: 1 });
    const order = stage.emulator.control
      .calls()
      .filter((c) => c.method === 'PATCH' && c.status < 300 && /\/groups\//.test(c.path))
      .map((c) => c.path.split('/')[2]);
    expect(order).toEqual([LEAF, MID, ROOT]);
  });
});
