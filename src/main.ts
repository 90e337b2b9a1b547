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
  const { port } = await app.start();
  logger.info({ port }, 'SOA Bot listening on /api/messages');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await app.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`SOA Bot failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
