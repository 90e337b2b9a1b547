import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startGraphEmulator } from '../../../emulator';
import { demoTenant } from '../../../emulator/seeds/demo-tenant';
import { PEOPLE } from '../../support/bot-harness';
import { BotProcess } from '../../support/bot-process';
import { ConnectorCapture } from '../../support/connector-capture';
import { CHANNEL, cardActionInvoke, messageActivity } from '../../support/teams-activities';

/** What the recovery tests share: requests and clicks against a bot process, waiting, Graph call counts. */
export type Emulator = Awaited<ReturnType<typeof startGraphEmulator>>;
export type Posted = { requestId: string; version: number; activityId: string };

export async function requestVia(bot: BotProcess, connector: ConnectorCapture, text: string): Promise<Posted> {
  const before = connector.activities.length;
  await bot.send(messageActivity({ serviceUrl: connector.url, from: PEOPLE.rita, text, conversation: CHANNEL }));
  return connector.approvalCardAfter(before, 30_000);
}

export function approveVia(bot: BotProcess, connector: ConnectorCapture, r: Posted) {
  return bot.send(
    cardActionInvoke({
      serviceUrl: connector.url,
      from: PEOPLE.adam,
      verb: 'soa.approve',
      data: { requestId: r.requestId, version: r.version },
      replyToId: r.activityId,
      conversation: CHANNEL,
    }),
  );
}

/** Successful SOA PATCHes of one user, whether sent alone or inside a $batch. */
export function soaPatches(emulator: Emulator, userId: string) {
  return emulator.control.calls().filter((c) => c.method === 'PATCH' && c.path.includes(userId) && /onPremisesSyncBehavior$/.test(c.path) && c.status < 300);
}

export function lineOf(bot: BotProcess, pattern: RegExp): string | undefined {
  return bot.output.find((l) => pattern.test(l));
}

/**
 * What every crash suite stands on: the Graph emulator (demo tenant), a connector capture and a temp
 * folder for databases, made before the suite and removed after it; injected faults cleared after each test.
 */
export interface CrashStage {
  emulator: Emulator;
  connector: ConnectorCapture;
  dir: string;
}

export function crashStage(tmpPrefix: string): CrashStage {
  const stage = {} as CrashStage;
  beforeAll(async () => {
    stage.emulator = await startGraphEmulator({ seed: demoTenant() });
    stage.connector = new ConnectorCapture();
    await stage.connector.start();
    stage.dir = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  });
  afterEach(() => stage.emulator.control.clearFaults());
  afterAll(async () => {
    await stage.connector.stop();
    await stage.emulator.close();
    fs.rmSync(stage.dir, { recursive: true, force: true });
  });
  return stage;
}
