import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

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
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: path.join(ROOT, 'test', 'certs', 'ca.pem'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start:\n${output.join('\n').slice(-3000)}`)), timeoutMs);
    const onLine = (chunk: Buffer) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        output.push(line);
        const match = /"port":(\d+).*listening/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      }
    };
    child.stdout!.on('data', onLine);
    child.stderr!.on('data', onLine);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited with ${code} before listening:\n${output.join('\n').slice(-3000)}`));
    });
  });
  return {
    port,
    output,
    child,
    async send(activity) {
      const response = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async kill(signal) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
