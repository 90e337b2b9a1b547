import * as fs from 'node:fs';
import * as path from 'node:path';
import { SupervisedChild, startChild, waitUntil } from '../support/child-processes';
import { PortBusyError } from '../support/ports';
import { writePlaygroundConfig } from './config-file';
import { DemoPerson, PLAYGROUND_IDS, PlaygroundConfig, buildPlaygroundConfig } from './identities';

/** One running Agents Playground: one signed-in person. */
export interface PlaygroundInstance {
  person: DemoPerson;
  config: PlaygroundConfig;
  url: string;
  port: number;
  logPath: string;
  /** The playground's activity log (only while no browser tab listens to its log stream). */
  activityLogPath: string;
  configPath: string;
}

export async function httpOk(url: string, expectBody?: RegExp): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) return false;
  const text = await response.text();
  return expectBody ? expectBody.test(text) : true;
}

/** The playground needs no test CA (it calls only the bot); a relative NODE_EXTRA_CA_CERTS would only warn in its cwd. */
function withoutKeys(env: NodeJS.ProcessEnv, keys: string[]): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const key of keys) delete copy[key];
  return copy;
}

/** Writes one person's config and starts their playground; ready when it answers /_debug/ping on its own port. */
export async function startPlaygroundInstance(o: {
  person: DemoPerson;
  port: number;
  dir: string;
  tenantId: string;
  botUrl: string;
  playgroundBin: string;
  echo?: boolean;
  timeoutMs: number;
}): Promise<{ instance: PlaygroundInstance; child: SupervisedChild }> {
  fs.mkdirSync(path.join(o.dir, 'logs'), { recursive: true });
  const config = buildPlaygroundConfig(o.tenantId, o.person);
  const configPath = path.join(o.dir, '.m365agentsplayground.yml');
  writePlaygroundConfig(configPath, config);
  const logPath = path.join(o.dir, 'logs', 'playground.log');
  const activityLogPath = path.join(o.dir, 'logs', 'playground-activity.log');
  fs.rmSync(activityLogPath, { force: true });
  fs.writeFileSync(logPath, '');
  const child = startChild(
    `Agents Playground (${o.person})`,
    process.execPath,
    [o.playgroundBin, '-e', `${o.botUrl}/api/messages`, '-c', 'msteams', '--dt', '-p', String(o.port)],
    {
      cwd: o.dir,
      env: {
        ...withoutKeys(process.env, ['NODE_EXTRA_CA_CERTS']),
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
        M365_AGENTS_PLAYGROUND_LOGFILE: activityLogPath,
      },
      logPath,
      echo: o.echo,
      ownProcessGroup: true,
    },
  );
  const url = `http://localhost:${o.port}`;
  try {
    await waitUntil(`the playground answered ${url}/_debug/ping`, () => httpOk(`${url}/_debug/ping`, /pong/), child, o.timeoutMs);
    // It falls back to a random port when its port is taken (a race with our check): say so.
    const listening = /Listening on (\d+)/.exec(child.output.join('\n'));
    if (listening && Number(listening[1]) !== o.port) {
      throw new PortBusyError(o.port, `Agents Playground; it moved to ${listening[1]}`);
    }
  } catch (error) {
    await child.stop(10_000);
    throw error;
  }
  return { instance: { person: o.person, config, url, port: o.port, logPath, activityLogPath, configPath }, child };
}

/**
 * "Open the app" in the team: the playground sends installationUpdate and conversationUpdate to the
 * bot, which stores the team's channels, among them the approvals channel (APPROVAL_CHANNEL_ID). The
 * call returns before the bot has the activities: wait until the playground's activity log shows the
 * bot's answers. False when that cannot be confirmed (a browser tab from an earlier run listens).
 */
export async function installInTeam(playgroundUrl: string, activityLogPath: string, bot: SupervisedChild, timeoutMs: number): Promise<boolean> {
  const response = await fetch(`${playgroundUrl}/_debug/conversation/${encodeURIComponent(PLAYGROUND_IDS.team.id)}/installation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`installing the bot in the playground team failed: HTTP ${response.status} ${await response.text()}`);
  const answered = (activity: string) => {
    const lines = fs.existsSync(activityLogPath) ? fs.readFileSync(activityLogPath, 'utf8').split('\n') : [];
    const line = lines.find((l) => l.includes(`"activityName":"${activity}"`) && l.includes(PLAYGROUND_IDS.team.id) && /"response":\{"statusCode":\d+/.test(l));
    if (!line) return null;
    return Number(/"response":\{"statusCode":(\d+)/.exec(line)![1]);
  };
  // The playground logs an activity to its log file only while no browser tab listens on its log
  // stream; with a tab open (from an earlier run) there is nothing to wait for: give the bot a moment.
  try {
    await waitUntil('the bot answered the installation event', async () => answered('installationUpdate') !== null, bot, Math.min(timeoutMs, 8000));
  } catch (error) {
    if (!bot.isRunning()) throw error;
    return false;
  }
  const status = answered('installationUpdate');
  if (status !== 200) throw new Error(`the bot answered the installation event with HTTP ${status}; see ${bot.logPath}`);
  return true;
}
