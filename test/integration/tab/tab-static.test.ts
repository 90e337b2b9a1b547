import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from 'node:http';
import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { tabEnv } from '../../support/tab-client';
import { TAB_FILES } from '../../../src/adapters/http/tab-files';

/**
 * The personal tab's page under /tab/ on the bot's real HTTP server (tab-static.ts): served only when
 * TAB_APP_ID is set, a fixed file list with its content types, the tab CSP (Teams/M365 hosts may frame
 * it, scripts only from this origin), nosniff, and no way to reach any other file.
 */
function fixtureDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soa-tab-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>SOA Bot</title><script src="app.js"></script>');
  fs.writeFileSync(path.join(dir, 'app.js'), 'console.log("tab")');
  fs.writeFileSync(path.join(dir, 'app.css'), 'body{}');
  // Next to the tab but not in its file list: must never be served.
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'not for the browser');
  fs.writeFileSync(path.join(path.dirname(dir), 'outside.txt'), 'OUTSIDE CONTENT');
  return dir;
}

/** A raw request: fetch would normalise `..` and encoded slashes away before they reach the server. */
function rawGet(port: number, rawPath: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tab page under /tab/', () => {
  let h: BotHarness;
  let port: number;
  const dir = fixtureDir();
  beforeAll(async () => {
    h = await startBotHarness({ env: tabEnv(), overrides: { tabStaticDir: dir } });
    port = Number(new URL(h.messagesUrl).port);
  });
  afterAll(() => h.stop());

  it('serves the page, script and style sheet with their content types, the tab CSP and nosniff', async () => {
    for (const [p, type, body] of [
      ['/tab/', 'text/html; charset=utf-8', '<script src="app.js">'],
      ['/tab/index.html', 'text/html; charset=utf-8', '<title>SOA Bot'],
      ['/tab/app.js', 'text/javascript; charset=utf-8', 'console.log'],
      ['/tab/app.css', 'text/css; charset=utf-8', 'body{}'],
    ] as const) {
      const res = await rawGet(port, p);
      expect({ p, status: res.status }).toEqual({ p, status: 200 });
      expect(res.headers['content-type']).toBe(type);
      expect(res.body).toContain(body);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      const ancestors = /frame-ancestors ([^;]+)/.exec(csp)?.[1].split(' ') ?? [];
      expect(ancestors).toEqual(
        expect.arrayContaining([
          "'self'",
          'https://teams.microsoft.com',
          'https://*.teams.microsoft.com',
          'https://*.cloud.microsoft',
          'https://*.microsoft365.com',
          'https://*.office.com',
          'https://outlook.office.com',
          'https://outlook.office365.com',
        ]),
      );
      expect(ancestors).not.toContain('*');
    }
  });

  it('redirects /tab to /tab/ (the page loads app.js relative to it)', async () => {
    const res = await rawGet(port, '/tab');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/tab/');
  });

  it('answers 404 for any file not in its list, traversal and encoded tricks included, without reading them', async () => {
    for (const p of [
      '/tab/secret.txt',
      '/tab/../outside.txt',
      '/tab/..%2Foutside.txt',
      '/tab/%2e%2e%2foutside.txt',
      '/tab/app.js%00.html',
      '/tab/app.js/x',
      '/tab/APP.JS',
      '/tab/.',
      '/tab/app.js.LEGAL.txt',
    ]) {
      const res = await rawGet(port, p);
      expect({ p, status: res.status }).toEqual({ p, status: 404 });
      expect(res.body).not.toContain('not for the browser');
      expect(res.body).not.toContain('OUTSIDE CONTENT');
    }
  });

  it('lists the build output of scripts/build-tab.ts: page, bundle, style sheet', () => {
    expect(TAB_FILES.map((f) => f.name)).toEqual(expect.arrayContaining(['index.html', 'app.js', 'app.css']));
  });
});

describe('tab page without TAB_APP_ID', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ overrides: { tabStaticDir: fixtureDir() } });
  });
  afterAll(() => h.stop());

  it('is not served at all', async () => {
    const res = await rawGet(Number(new URL(h.messagesUrl).port), '/tab/');
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('SOA Bot');
  });
});
