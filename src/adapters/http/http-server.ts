import type { IncomingMessage } from 'node:http';
import restify from 'restify';
import type { BotRequestHandler } from '../teams/bot-request-handler';
import { Logger } from '../../ports/logger';
import { readJsonBody } from './read-json-body';
import { registerTabApi, TAB_BODY_ROUTE, TabApiOptions } from './tab-api';
import { registerTabStatic, TabStaticOptions } from './tab-static';

export interface HttpServerOptions {
  port: number;
  host: string;
  maxBodyBytes: number;
  /** /readyz: whether this instance can serve (its reasons are logged, never sent). */
  readiness?: () => Promise<{ ready: boolean; reasons: string[] }>;
  /** GET /files/{token}: signed, short-lived CSV downloads of a bulk request's tables. */
  download?: (token: string) => Promise<{ status: 200; fileName: string; csv: string } | { status: number; message: string }>;
  /** The personal tab's JSON API under /api/tab/ (tab-api.ts); absent = not served. */
  tabApi?: Omit<TabApiOptions, 'maxBodyBytes'>;
  /** The personal tab's page and bundle under /tab/ (tab-static.ts); absent = not served. */
  tabStatic?: TabStaticOptions;
}

/**
 * restify: POST /api/messages for the Bot Framework, GET /healthz and /readyz for probes, GET /files/{token}
 * for signed downloads, and the tab's JSON API under /api/tab/ and its page under /tab/ when configured (tab-api.ts,
 * tab-static.ts); nothing else. No body parser: /api/messages reads its JSON body itself with a
 * hard byte cap (415, 413, 400 before the bot handler, which authenticates every request with 401
 * before a turn runs); every other route takes no body at all (413). Nothing is ever written to disk.
 */
export function createHttpServer(handleBotRequest: BotRequestHandler, options: HttpServerOptions, logger: Logger) {
  // maxParamLength: the signed download tokens are longer than find-my-way's default of 100.
  const server = restify.createServer({ name: 'soa-bot', handleUncaughtExceptions: false, maxParamLength: 1024 } as restify.ServerOptions);

  // Only POST /api/messages (and the tab's POST routes, when the tab API is on) takes a body; a body sent anywhere else is refused unread.
  server.pre((req, res, next) => {
    const path = (req.url ?? '').split('?')[0];
    const takesBody = req.method === 'POST' && (path === '/api/messages' || (options.tabApi !== undefined && TAB_BODY_ROUTE.test(path)));
    if (!takesBody && hasBody(req)) {
      refuse(res, 413, 'this route takes no request body');
      return next(false);
    }
    return next();
  });

  server.post('/api/messages', async (req, res) => {
    try {
      const body = await readJsonBody(req, options.maxBodyBytes);
      if (!body.ok) {
        logger.warn({ status: body.status, reason: body.reason }, `request to /api/messages refused: ${body.status}`);
        refuse(res, body.status, body.reason);
        return;
      }
      const result = await handleBotRequest({ headers: req.headers, body: body.value });
      if (result.body === undefined || result.body === null) res.send(result.status);
      else res.send(result.status, result.body);
    } catch (error) {
      logger.error({ err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'request to /api/messages failed');
      if (!res.headersSent) res.send(500);
    }
  });

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    return next();
  });

  server.get('/files/:token', async (req, res) => {
    if (!options.download) return res.send(404);
    const token = String((req.params as { token?: string }).token ?? '').slice(0, 1024);
    const result = await options.download(token).catch(() => ({ status: 500, message: 'download failed' }));
    // Every attempt is logged with this HTTP request's id and its outcome, never with the token (it is the
    // credential); a served table is also logged with the bot request it belongs to (downloadTable).
    logger.info({ httpRequestId: req.getId(), status: result.status }, result.status === 200 ? 'file download served' : 'file download refused');
    if (result.status !== 200 || !('csv' in result)) {
      res.send(result.status, { error: 'message' in result ? result.message : 'not available' });
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${result.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'cache-control': 'no-store',
    });
    res.end(result.csv);
  });

  if (options.tabApi) registerTabApi(server, { ...options.tabApi, maxBodyBytes: options.maxBodyBytes });
  if (options.tabStatic) registerTabStatic(server, options.tabStatic, logger);

  let wasReady = true;
  server.get('/readyz', async (_req, res) => {
    const result = options.readiness
      ? await options.readiness().catch(() => ({ ready: false, reasons: ['readiness check failed'] }))
      : { ready: true, reasons: [] };
    if (result.ready !== wasReady) {
      if (result.ready) logger.info({}, 'ready again');
      else logger.warn({ reasons: result.reasons }, 'not ready');
      wasReady = result.ready;
    }
    // Only ready or not: the reasons (and any business state) are for the log and the `health` command.
    res.send(result.ready ? 200 : 503, { status: result.ready ? 'ready' : 'not ready' });
  });

  return {
    server,
    listen: () =>
      new Promise<{ port: number }>((resolve) => {
        server.listen(options.port, options.host, () => {
          const address = server.address();
          resolve({ port: typeof address === 'object' && address ? address.port : options.port });
        });
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
}

/** Refusals close the connection, so no unread rest of a body is ever read or kept. */
function refuse(res: restify.Response, status: number, message: string): void {
  res.setHeader('connection', 'close');
  res.send(status, { error: message });
}
