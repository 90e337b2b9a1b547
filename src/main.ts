import * as fs from 'node:fs';
import * as path from 'node:path';
import dotenv from 'dotenv';
import { ConfigError, loadConfig, redactedSummary } from './config';
import { compose } from './composition-root';
import { createPinoLogger } from './adapters/logging/pino-logger';

/**
 * Agents Toolkit convention: env/.env.<name> (committed, no secrets) and env/.env.<name>.user
 * (secrets, git-ignored), chosen by ENV_NAME. Real environment variables win over both files.
 */
function loadEnvFiles(env: NodeJS.ProcessEnv): void {
  const name = env.ENV_NAME ?? env.TEAMSFX_ENV;
  if (!name) return;
  for (const file of [`.env.${name}.user`, `.env.${name}`]) {
    const full = path.resolve('env', file);
    if (fs.existsSync(full)) dotenv.config({ path: full, override: false, quiet: true } as dotenv.DotenvConfigOptions);
  }
}

async function main(): Promise<void> {
  loadEnvFiles(process.env);
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`SOA Bot cannot start.\n${error.message}\nSee README.md, "Configuration".\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createPinoLogger({ level: config.logLevel });
  if (config.bot.authDisabled) {
    logger.warn({}, 'BOT_AUTH_DISABLED=true: Bot Framework authentication is OFF. Use this only for local development (playground).');
  }
  logger.info({ config: redactedSummary(config) }, 'starting SOA Bot');
  const app = compose(config, logger);
  // Signals are handled from before the start: the start-up line can reach a supervisor (which may then
  // send SIGTERM) before the code after `await app.start()` runs.
  const starting = app.start();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => {
      logger.error({ signal }, 'shutting down took over 15 s: exiting without releasing the job leases (they lapse on their own)');
      process.exit(1);
    }, 15_000);
    force.unref();
    await starting.catch(() => undefined);
    const stopped = await app.stop();
    // The one shutdown line: how long it took and what it released.
    logger.info(
      { signal, shutdownMs: stopped.shutdownMs, releasedLeases: stopped.releasedLeases, interrupted: stopped.interrupted },
      `SOA Bot shutting down (${signal}): done in ${stopped.shutdownMs} ms, ${stopped.releasedLeases} job lease(s) released` +
        (stopped.interrupted ? `, ${stopped.interrupted.kind} job of ${stopped.interrupted.requestId} stopped after the Graph call in flight` : ''),
    );
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  const started = await starting;
  // The one start-up line: how long it took and what it resumed.
  logger.info(
    { port: started.port, startupMs: started.startupMs, reclaimedLeases: started.reclaimedLeases, resumedRequests: started.resumedRequests },
    `SOA Bot listening on /api/messages: ready in ${started.startupMs} ms, ${started.resumedRequests.length} approved or executing request(s) to resume, ${started.reclaimedLeases} job lease(s) taken back from a stopped process`,
  );
}

main().catch((error) => {
  process.stderr.write(`SOA Bot failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
