import restify from 'restify';
import type { BotRequestHandler } from '../teams/bot-request-handler';
import { Logger } from '../../ports/logger';

export interface HttpServerOptions {
  port: number;
  host: string;
  maxBodyBytes: number;
  /** /readyz: whether this instance can serve (its reasons are logged, never sent). */
  readiness?: () => Promise<{ ready: boolean; reasons: string[] }>;
  /** GET /files/{token}: signed, short-lived CSV downloads of a bulk request's tables. */
  download?: (token: string) => Promise<{ status: 200; fileName: string; csv: string } | { status: number; message: string }>;
}

/**
 * restify: POST /api/messages for the Bot Framework and GET /healthz for probes; nothing else.
 * Bodies over maxBodyBytes are refused with 413 before anything reads them; the bot handler
 * authenticates every request (401) before a turn runs.
 */
export function createHttpServer(handleBotRequest: BotRequestHandler, options: HttpServerOptions, logger: Logger) {
  // maxParamLength: the signed download tokens are longer than find-my-way's default of 100.
  const server = restify.createServer({ name: 'soa-bot', handleUncaughtExceptions: false, maxParamLength: 1024 } as restify.ServerOptions);
  server.use(restify.plugins.bodyParser({ maxBodySize: options.maxBodyBytes, mapParams: false, rejectUnknown: true }));

  server.post('/api/messages', async (req, res) => {
    try {
      const result = await handleBotRequest({ headers: req.headers, body: req.body });
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

  let wasReady = true;
  server.get('/readyz', async (_req, res) => {
    const result = options.readiness ? await options.readiness().catch(() => ({ ready: false, reasons: ['readiness check failed'] })) : { ready: true, reasons: [] };
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
