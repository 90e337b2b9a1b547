import { join } from 'node:path';
import { startChild } from '../scripts/support/child-processes';

/** The Graph emulator in its own process (node dist/emulator/cli.js), so the bot side's RSS is its own. */
export interface EmulatorProcess {
  baseUrl: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  pid: number;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Every user back to synced, buckets full. The answer (a snapshot of the whole tenant) is not read. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(distRoot: string, args: string[]): Promise<EmulatorProcess> {
  const cli = join(distRoot, 'emulator', 'cli.js');
  // It prints one connection JSON line on stdout; errors (stderr) end up in the failure message.
  const child = startChild('Graph emulator', process.execPath, [cli, ...args], { env: process.env, endWithThisProcess: true, keepLines: 50 });
  const line = (await child.waitForLine(/^\{"baseUrl":.*\}$/, 30_000))[0];
  const info = JSON.parse(line) as { baseUrl: string; authorityHost: string; tenantId: string; clientId: string; clientSecret: string };
  return {
    ...info,
    pid: child.pid as number,
    async control<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${info.baseUrl}/_control/${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`control ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async reset() {
      // The snapshot of 10,000 users would cost this process (the bot side, whose RSS is measured)
      // about 40 MB before the wave starts.
      const res = await fetch(`${info.baseUrl}/_control/reset`, { method: 'POST' });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`control POST reset: HTTP ${res.status}`);
    },
    stop: () => child.stop(10_000),
  };
}
