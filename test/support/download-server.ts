import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import { defaultTls } from '../../emulator/tls-defaults';

/**
 * A local HTTPS stand-in for SharePoint download URLs (127.0.0.1, the test CA's server certificate,
 * valid for 127.0.0.1 and localhost). It counts every request by path, so a test can prove that a
 * refused file was never fetched. Routes:
 *   /files/<name>       a file registered with serve()
 *   /redirect?to=<url>  302 to `to`
 *   /loop               302 to itself, forever
 *   /endless            200 without Content-Length; streams one long line until the client goes away
 *   /endless-lines      the same, with a UPN per line
 *   /huge-length        declares a 50 MB Content-Length (refused before the body is read)
 *   /slow               never answers
 */
export class DownloadServer {
  readonly hits: string[] = [];
  private server: https.Server | null = null;
  private readonly files = new Map<string, string>();
  private port = 0;

  async start(): Promise<void> {
    this.server = https.createServer(defaultTls(), (req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** https://127.0.0.1:<port><path> (or the same server under another host name, e.g. localhost). */
  url(path: string, host = '127.0.0.1'): string {
    return `https://${host}:${this.port}${path}`;
  }

  serve(name: string, content: string): string {
    this.files.set(name, content);
    return this.url(`/files/${encodeURIComponent(name)}`);
  }

  hitsOf(pathPrefix: string): number {
    return this.hits.filter((h) => h.startsWith(pathPrefix)).length;
  }

  private handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://x');
    this.hits.push(url.pathname);
    const file = /^\/files\/([^/]+)$/.exec(url.pathname);
    if (file) {
      const content = this.files.get(decodeURIComponent(file[1]));
      res.writeHead(content === undefined ? 404 : 200, { 'content-type': 'text/csv' });
      res.end(content ?? '');
      return;
    }
    switch (url.pathname) {
      case '/redirect':
        res.writeHead(302, { location: url.searchParams.get('to') ?? '/' });
        res.end();
        return;
      case '/loop':
        res.writeHead(302, { location: '/loop' });
        res.end();
        return;
      case '/endless':
      case '/endless-lines': {
        res.writeHead(200, { 'content-type': 'text/csv' });
        const chunk = url.pathname === '/endless' ? Buffer.alloc(64 * 1024, 'a') : Buffer.from('someone@contoso.com\n'.repeat(1000));
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('error', () => undefined);
        pump();
        return;
      }
      case '/huge-length':
        res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(50 * 1024 * 1024) });
        res.write('a');
        return;
      case '/slow':
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  }
}
