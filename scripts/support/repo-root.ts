import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (holds package.json named soa-bot), from the sources (ts-jest) or from dist/. */
export function findRepoRoot(start = __dirname): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'soa-bot') return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`the soa-bot repository root was not found above ${start}`);
    dir = parent;
  }
}
