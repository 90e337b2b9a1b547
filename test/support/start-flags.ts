import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The node options `npm start` gives the bot (package.json "start", e.g. the old-generation heap limit),
 * so that tests and the benchmark run the bot the way a deployment does. One source: package.json.
 */
export function botNodeFlags(root = findRoot(__dirname)): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const start = pkg.scripts?.start ?? '';
  const words = start.trim().split(/\s+/);
  if (words[0] !== 'node') throw new Error(`package.json "start" should run node directly, found: ${start}`);
  return words.slice(1).filter((w) => w.startsWith('--'));
}

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'tsconfig.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
