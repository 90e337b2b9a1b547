import * as path from 'node:path';
import { startChild } from '../../scripts/support/child-processes';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Runs the built bot (dist/src/main.js) with exactly `env` (plus PATH) and waits for it to exit on its
 * own: the exit code (null = still running after `timeoutMs`, then killed) and all of its output.
 */
export async function runBotToExit(env: Record<string, string>, timeoutMs = 10_000): Promise<{ code: number | null; output: string }> {
  const bot = startChild('bot', process.execPath, [path.join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    keepLines: Number.MAX_SAFE_INTEGER,
    endWithThisProcess: true,
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const code = await Promise.race([bot.exited, timedOut]).finally(() => clearTimeout(timer));
  if (code === 'timeout') {
    bot.signal('SIGKILL');
    await bot.exited;
    return { code: null, output: bot.output.join('\n') };
  }
  return { code, output: bot.output.join('\n') };
}
