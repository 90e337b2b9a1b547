import { ConfigError, loadConfig } from '../../src/config';

/** A GUID for settings that want one: 00000000-0000-0000-0000-00000000000n. */
export const GUID = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;

/** The smallest environment the bot starts with (Bot Framework and Graph credentials, one approver). */
export const VALID_ENV: Record<string, string> = {
  BOT_ID: GUID(1),
  BOT_PASSWORD: 'bot-secret-value',
  GRAPH_TENANT_ID: GUID(2),
  GRAPH_CLIENT_ID: GUID(3),
  GRAPH_CLIENT_SECRET: 'graph-secret-value',
  APPROVER_IDS: `${GUID(4)}, ${GUID(5)}`,
};

/** Every problem loadConfig lists for this environment (none: []). */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
