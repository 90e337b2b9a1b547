import pino from 'pino';
import { Logger } from '../../ports/logger';

/**
 * Structured JSON logs. Redaction is a second line of defence: the code never passes secrets,
 * tokens or raw payloads, and these paths catch the usual names if someone does.
 */
const REDACT = [
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.token',
  '*.accessToken',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  '*.appPassword',
  '*.privateKey',
];

export function createPinoLogger(options: { level: string; destination?: pino.DestinationStream; base?: Record<string, unknown> }): Logger {
  const instance = pino(
    {
      level: options.level,
      base: { app: 'soa-bot', ...(options.base ?? {}) },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
  return wrap(instance);
}

function wrap(instance: pino.Logger): Logger {
  return {
    debug: (fields, msg) => instance.debug(fields, msg),
    info: (fields, msg) => instance.info(fields, msg),
    warn: (fields, msg) => instance.warn(fields, msg),
    error: (fields, msg) => instance.error(fields, msg),
    child: (bindings) => wrap(instance.child(bindings)),
  };
}

/** For tests that do not look at logs. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
