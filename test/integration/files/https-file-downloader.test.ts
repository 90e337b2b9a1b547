import { HttpsFileDownloader } from '../../../src/adapters/files/https-file-downloader';
import { loadConfig } from '../../../src/config';
import { DEFAULT_FILE_DOWNLOAD_HOSTS, isAllowedDownloadUrl } from '../../../src/domain/download-hosts';
import { DownloadServer } from '../../support/download-server';

/**
 * The file downloader against a local HTTPS server: it fetches only https URLs on the allow-list,
 * re-checks every redirect, stops a body at the byte and line caps while it streams (no
 * Content-Length needed) and gives up at the deadline.
 */
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => silent } as never;
const LIMITS = { maxBytes: 64 * 1024, maxLines: 51 };

let server: DownloadServer;
beforeAll(async () => {
  server = new DownloadServer();
  await server.start();
});
afterAll(() => server.stop());
beforeEach(() => {
  server.hits.length = 0;
});

const downloader = (allowedHosts: readonly string[], timeoutMs = 5_000) => new HttpsFileDownloader({ allowedHosts, timeoutMs, logger: silent });

describe('HttpsFileDownloader', () => {
  it('with the default allow-list (SharePoint of the commercial and national clouds) refuses 127.0.0.1, http and other hosts without a request', async () => {
    const defaults = loadConfig({
      BOT_ID: '00000000-0000-0000-0000-0000000000b0',
      BOT_PASSWORD: 'p',
      GRAPH_TENANT_ID: 't',
      GRAPH_CLIENT_ID: 'c',
      GRAPH_CLIENT_SECRET: 's',
      APPROVER_IDS: '00000000-0000-0000-0000-000000000001',
    }).fileDownload.allowedHosts;
    expect(defaults).toEqual([...DEFAULT_FILE_DOWNLOAD_HOSTS]);
    const url = server.serve('list.csv', 'alice@contoso.com\n');
    const d = downloader(defaults);
    for (const target of [
      url,
      url.replace('https:', 'http:'),
      server.url('/files/list.csv', 'localhost'),
      'https://evil.example.com/list.csv',
      'https://sharepoint.com.evil.example/x',
      'file:///etc/passwd',
    ]) {
      expect(await d.download(target, LIMITS)).toMatchObject({ ok: false, error: { code: 'FILE.HOST_NOT_ALLOWED' } });
    }
    expect(server.hits).toEqual([]);
    for (const ok of [
      'https://contoso-my.sharepoint.com/personal/x/_layouts/15/download.aspx?UniqueId=1',
      'https://contoso.sharepoint.us/x',
      'https://contoso.sharepoint-mil.us/x',
      'https://contoso.dps.mil/x',
      'https://contoso.sharepoint.cn/x',
    ]) {
      expect(isAllowedDownloadUrl(ok, defaults)).toBe(true);
    }
    for (const bad of [
      'http://contoso.sharepoint.com/x',
      'https://sharepoint.com/x',
      'https://contoso.sharepoint.com.evil.example/x',
      'https://user:pw@contoso.sharepoint.com/x',
      'https://evilsharepoint.com/x',
    ]) {
      expect(isAllowedDownloadUrl(bad, defaults)).toBe(false);
    }
  });

  it('downloads an allowed https file and follows a redirect that stays on the list', async () => {
    const url = server.serve('ok.csv', 'upn\nalice@contoso.com\n');
    expect(await downloader(['127.0.0.1']).download(url, LIMITS)).toEqual({ ok: true, text: 'upn\nalice@contoso.com\n' });
    const redirected = server.url(`/redirect?to=${encodeURIComponent(url)}`);
    expect(await downloader(['127.0.0.1']).download(redirected, LIMITS)).toEqual({ ok: true, text: 'upn\nalice@contoso.com\n' });
  });

  it('does not follow a redirect to a host that is not allowed, nor to http, nor more than 3 hops', async () => {
    server.serve('ok.csv', 'alice@contoso.com\n');
    const offList = server.url(`/redirect?to=${encodeURIComponent(server.url('/files/ok.csv', 'localhost'))}`);
    expect(await downloader(['127.0.0.1']).download(offList, LIMITS)).toMatchObject({
      ok: false,
      error: { code: 'FILE.REDIRECT_NOT_ALLOWED', detail: { host: expect.stringMatching(/^localhost:/) } },
    });
    const toHttp = server.url(`/redirect?to=${encodeURIComponent(server.url('/files/ok.csv').replace('https:', 'http:'))}`);
    expect(await downloader(['127.0.0.1']).download(toHttp, LIMITS)).toMatchObject({ ok: false, error: { code: 'FILE.REDIRECT_NOT_ALLOWED' } });
    expect(server.hitsOf('/files/')).toBe(0);
    expect(await downloader(['127.0.0.1']).download(server.url('/loop'), LIMITS)).toMatchObject({ ok: false, error: { code: 'FILE.TOO_MANY_REDIRECTS' } });
    expect(server.hitsOf('/loop')).toBe(4);
  });

  it('cuts a body without Content-Length when it streams past the byte cap, or past the line cap', async () => {
    const started = Date.now();
    expect(await downloader(['127.0.0.1']).download(server.url('/endless'), LIMITS)).toEqual({
      ok: false,
      error: { code: 'FILE.TOO_LARGE', detail: { maxBytes: LIMITS.maxBytes } },
    });
    expect(await downloader(['127.0.0.1']).download(server.url('/endless-lines'), { maxBytes: 5 * 1024 * 1024, maxLines: 51 })).toEqual({
      ok: false,
      error: { code: 'FILE.TOO_MANY_ROWS', detail: { maxLines: 51 } },
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await downloader(['127.0.0.1']).download(server.url('/huge-length'), LIMITS)).toMatchObject({ ok: false, error: { code: 'FILE.TOO_LARGE' } });
    const justEnough = server.serve('fifty-one.csv', `upn\n${Array.from({ length: 50 }, (_, i) => `u${i}@contoso.com`).join('\n')}`);
    expect(await downloader(['127.0.0.1']).download(justEnough, LIMITS)).toMatchObject({ ok: true });
    const oneMore = server.serve('fifty-two.csv', `upn\n${Array.from({ length: 51 }, (_, i) => `u${i}@contoso.com`).join('\r')}\r`);
    expect(await downloader(['127.0.0.1']).download(oneMore, LIMITS)).toMatchObject({ ok: false, error: { code: 'FILE.TOO_MANY_ROWS' } });
  });

  it('gives up on a server that does not answer in time', async () => {
    const started = Date.now();
    expect(await downloader(['127.0.0.1'], 300).download(server.url('/slow'), LIMITS)).toEqual({
      ok: false,
      error: { code: 'FILE.TIMEOUT', detail: { seconds: 1 } },
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a failed download with its HTTP status', async () => {
    expect(await downloader(['127.0.0.1']).download(server.url('/files/missing.csv'), LIMITS)).toEqual({
      ok: false,
      error: { code: 'FILE.DOWNLOAD_FAILED', detail: { status: 404 } },
    });
  });
});
