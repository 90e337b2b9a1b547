import restify from 'restify';
import { CloudAdapter } from 'botbuilder';
import { ActivityHandler } from 'botbuilder';
import { Logger } from '../../ports/logger';

export interface HttpServerOptions {
  port: number;
  host: string;
  maxBodyBytes: number;
}

/** restify: POST /api/messages for the Bot Framework and GET /healthz for probes; nothing else. */
export function createHttpServer(adapter: CloudAdapter, bot: ActivityHandler, options: HttpServerOptions, logger: Logger) {
  const server = restify.createServer({ name: 'soa-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: options.maxBodyBytes, mapParams: false, rejectUnknown: true }));

  server.post('/api/messages', async (req, res) => {
    try {
      await adapter.process(req, res, (context) => bot.run(context));
    } catch (error) {
      logger.error({ err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'request to /api/messages failed');
      if (!res.headersSent) res.send(500);
    }
  });

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    return next();
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
