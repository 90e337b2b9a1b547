import restify from 'restify';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';

/**
 * The reference for the chat-latency figure: a bare botbuilder echo bot (CloudAdapter with an empty app
 * id, so no Bot Framework authentication, restify, `echo: <text>`), run as its own process like the SOA
 * bot so both are measured alike. Listens on HOST:PORT (default 127.0.0.1, any free port) and logs
 * {"port":N,"msg":"echo bot listening"} on stdout, the line the bench waits for.
 */
class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
      await next();
    });
  }
}

async function main(): Promise<void> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '' }));
  adapter.onTurnError = async (_context, error) => {
    process.stderr.write(`echo bot turn error: ${error.message}\n`);
  };
  const bot = new EchoBot();
  const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false } as restify.ServerOptions);
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  const host = process.env.HOST ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), host, () => resolve()));
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ port: address.port, msg: 'echo bot listening' })}\n`);
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`echo bot failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
