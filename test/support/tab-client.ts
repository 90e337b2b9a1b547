import { randomUUID } from 'node:crypto';
import { BotHarness } from './bot-harness';

/** The tab API's app registration in tests (TAB_APP_ID) and its Application ID URI. */
export const TAB_APP_ID = '7ab00000-0000-4000-8000-00000000a7ab';
export const TAB_APP_ID_URI = `api://localhost/${TAB_APP_ID}`;

/** Settings that turn the tab API on, with the emulator as the authority (its default: GRAPH_AUTHORITY_HOST). */
export function tabEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { TAB_APP_ID, TAB_APP_ID_URI, ...extra };
}

/** A v2 SSO token for a person, from the local Entra stand-in (as Teams would get it). */
type MintInput = Parameters<BotHarness['emulator']['userTokens']['mint']>[0];

export function userToken(h: BotHarness, oid: string, options: Partial<MintInput> = {}): string {
  return h.emulator.userTokens.mint({ audience: TAB_APP_ID, oid, name: `Person ${oid.slice(-2)}`, ...options });
}

export interface TabResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** A real HTTP call to the bot's /api/tab/ API. */
export async function tabCall(
  h: BotHarness,
  path: string,
  options: { token?: string | null; authorization?: string; method?: string; body?: unknown } = {},
): Promise<TabResponse> {
  const base = h.messagesUrl.replace(/\/api\/messages$/, '');
  const headers: Record<string, string> = {};
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  else if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, {
    method: options.method ?? (options.body !== undefined ? 'POST' : 'GET'),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export const OTHER_TENANT = randomUUID();
