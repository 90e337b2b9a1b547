import * as fs from 'node:fs';
import * as path from 'node:path';
import restify from 'restify';
import { Logger } from '../../ports/logger';
import { TAB_FILES } from './tab-files';

/**
 * The Teams and Microsoft 365 hosts that may frame the tab (Microsoft's list, tab-and-sso.md §1), and
 * 'self' for the local host page that iframes the tab from the same origin (scripts/playground/tab-host).
 */
export const TAB_FRAME_ANCESTORS = [
  "'self'",
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.cloud.microsoft',
  'https://*.microsoft365.com',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
] as const;

/**
 * Scripts only from this origin (no inline script, no CDN); styles also inline because Fluent UI
 * (Griffel) inserts its style rules at run time; calls only to this origin (/api/tab/).
 */
export const TAB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  `frame-ancestors ${TAB_FRAME_ANCESTORS.join(' ')}`,
].join('; ');

export interface TabStaticOptions {
  /** The built tab (dist/tab/); default: found next to the running code (defaultTabDir). */
  dir?: string;
}

/** dist/tab/ seen from dist/src/adapters/http (built) or from src/adapters/http (ts-jest). */
export function defaultTabDir(): string {
  const candidates = [path.resolve(__dirname, '..', '..', '..', 'tab'), path.resolve(__dirname, '..', '..', '..', 'dist', 'tab')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')) && fs.existsSync(path.join(dir, 'app.js'))) ?? candidates[1];
}

/**
 * GET /tab/ and the files of TAB_FILES under it, read once at start (a few hundred KB). Each answer
 * carries the tab's CSP (who may frame it), nosniff and no-cache (file names are not hashed, so the
 * browser revalidates). Anything else under /tab/ is 404 without touching the disk.
 */
export function registerTabStatic(server: restify.Server, options: TabStaticOptions, logger: Logger): void {
  const dir = options.dir ?? defaultTabDir();
  const files = new Map<string, { body: Buffer; contentType: string }>();
  for (const file of TAB_FILES) {
    try {
      files.set(file.name, { body: fs.readFileSync(path.join(dir, file.name)), contentType: file.contentType });
    } catch {
      // The licence file is optional; a missing page or script is logged below.
    }
  }
  if (!files.has('index.html') || !files.has('app.js')) logger.warn({ dir }, 'the tab is not built (npm run build:tab): /tab/ answers 404');

  const send = (res: restify.Response, name: string) => {
    const file = files.get(name);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-security-policy', TAB_CSP);
    res.setHeader('referrer-policy', 'no-referrer');
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.body.length), 'cache-control': 'no-cache' });
    res.end(file.body);
  };

  // restify wants (req, res, next) from handlers that are not async.
  server.get('/tab', (_req, res, next) => {
    res.setHeader('location', '/tab/');
    res.send(301);
    return next();
  });
  server.get('/tab/', (_req, res, next) => {
    send(res, 'index.html');
    return next();
  });
  server.get('/tab/:file', (req, res, next) => {
    const name = String((req.params as { file?: string }).file ?? '');
    send(res, TAB_FILES.some((f) => f.name === name) ? name : '');
    return next();
  });
}
