import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { findRepoRoot } from './support/repo-root';
import { TAB_FILES } from '../src/adapters/http/tab-files';

/**
 * `npm run build:tab`: bundles the personal tab (tab/src, React + Fluent UI + teams-js) into
 * dist/tab/app.js with esbuild and copies its page and style sheet: everything the bot serves under
 * /tab/ (tab-static.ts), nothing fetched from a CDN at run time.
 */
async function main(): Promise<void> {
  const repo = findRepoRoot(__dirname);
  const out = path.join(repo, 'dist', 'tab');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const result = await build({
    entryPoints: [path.join(repo, 'tab', 'src', 'main.tsx')],
    outfile: path.join(out, 'app.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'edge110', 'safari16', 'firefox110'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'app.css']) fs.copyFileSync(path.join(repo, 'tab', file), path.join(out, file));
  const missing = TAB_FILES.filter((f) => !fs.existsSync(path.join(out, f.name)));
  if (missing.length > 0) throw new Error(`tab build incomplete: ${missing.map((f) => f.name).join(', ')}`);
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  process.stdout.write(`tab: dist/tab/ built (${(bytes / 1024).toFixed(0)} KiB of scripts)\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
