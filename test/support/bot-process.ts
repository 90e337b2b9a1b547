import { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { startChild } from '../../scripts/support/child-processes';

const ROOT = path.resolve(__dirname, '..', '..');

export interface BotProcess {
  port: number;
  output: string[];
  child: ChildProcess;
  send(activity: Record<string, unknown>): Promise<{ status: number; body: any }>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * The built bot (dist/src/main.js) as its own process, exactly as `npm start` runs it, so a test
 * can SIGKILL it at any moment and start it again on the same database.
 */
export async function startBotProcess(env: Record<string, string>, timeoutMs = 15_000): Promise<BotProcess> {
  const bot = startChild('bot', process.execPath, [path.join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: path.join(ROOT, 'test', 'certs', 'ca.pem'), ...env },
    endWithThisProcess: true,
  });
  const port = Number((await bot.waitForLine(/"port":(\d+).*listening/, timeoutMs))[1]);
  return {
    port,
    output: bot.output,
    child: bot.process,
    async send(activity) {
      const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async kill(signal) {
      bot.signal(signal);
      return bot.exited;
    },
  };
}
