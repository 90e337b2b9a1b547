import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export type DatabaseLocation = { kind: 'sqlite'; /** absolute file path, or ':memory:' */ path: string } | { kind: 'postgres'; url: string };

export const DEFAULT_SQLITE_PATH = './data/soa-bot.db';

export const ACCEPTED_DATABASE_URL_FORMS = [
  `unset (SQLite at ${DEFAULT_SQLITE_PATH})`,
  'sqlite:relative/or/absolute/path.db',
  'sqlite:///absolute/path.db',
  'file:path.db or file:///absolute/path.db',
  ':memory: (SQLite in memory, lost on exit)',
  'postgres://user:password@host:5432/db or postgresql://...',
] as const;

/**
 * Parses DATABASE_URL. Relative SQLite paths are resolved against `cwd`. Pure: the folder of a SQLite
 * file is created when the database is opened (openSqliteStorage), not here.
 */
export function parseDatabaseUrl(value: string | undefined, options: { cwd?: string } = {}): DatabaseLocation {
  const cwd = options.cwd ?? process.cwd();
  const raw = (value ?? '').trim();
  const file = (p: string): DatabaseLocation => {
    if (p === '') throw invalid(raw, 'the path is empty');
    return { kind: 'sqlite', path: p === ':memory:' ? p : path.resolve(cwd, p) };
  };
  if (raw === '') return file(DEFAULT_SQLITE_PATH);
  if (raw === ':memory:' || raw === 'sqlite::memory:') return { kind: 'sqlite', path: ':memory:' };
  const lower = raw.toLowerCase();
  if (lower.startsWith('postgres://') || lower.startsWith('postgresql://')) {
    try {
      new URL(raw);
    } catch {
      throw invalid(raw, 'the PostgreSQL URL is malformed');
    }
    return { kind: 'postgres', url: raw };
  }
  if (lower.startsWith('sqlite://')) {
    const rest = raw.slice('sqlite://'.length);
    if (!rest.startsWith('/')) throw invalid(raw, 'sqlite:// must be followed by an absolute path (sqlite:///abs/path.db)');
    return file(rest);
  }
  if (lower.startsWith('sqlite:')) return file(raw.slice('sqlite:'.length));
  if (lower.startsWith('file://')) {
    try {
      return file(fileURLToPath(raw));
    } catch (e) {
      throw invalid(raw, (e as Error).message);
    }
  }
  if (lower.startsWith('file:')) return file(raw.slice('file:'.length));
  throw invalid(raw, 'unsupported form');
}

/** For start-up logs: the location without any credential. */
export function describeDatabaseLocation(location: DatabaseLocation): string {
  if (location.kind === 'sqlite') return `sqlite:${location.path}`;
  return redactDatabaseUrl(location.url);
}

/** Query parameters whose value may be a credential (password, sslpassword, sslkey, api_token, ...). */
const SECRET_PARAMETER = /pass|pwd|secret|token|key|cred|auth/i;

/**
 * DATABASE_URL as it may be printed anywhere (start-up summary, logs, errors): parsed as a WHATWG URL
 * (as pg parses it, so `postgres://u:p@ss@host/db` has the password "p@ss" and the host "host"), the
 * whole user info replaced by `***`, every secret-bearing query parameter's value by `***`, no fragment.
 * A value that is not a URL at all (a plain SQLite path) has nothing to hide; anything else that
 * cannot be parsed is shown as its scheme only.
 */
export function redactDatabaseUrl(value: string): string {
  const raw = value.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1];
  let url: URL | null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  // No host to find user info by (a malformed URL, "user:pw@host" without "//"), or an '@' that the parser did
  // not take as the end of the user info: a password with '/', '?' or '#' after digits only
  // ("u:4711/Secret@host", "u:/Secret@host") reads as host "u", port 4711 and the password in the path.
  // Nothing after the scheme is safe to show.
  const misreadUserInfo = url !== null && !url.username && !url.password && raw.includes('@');
  if (!url || (!url.host && /[@?#]/.test(raw)) || misreadUserInfo) {
    if (!/[@?#]|:\/\//.test(raw) && (!scheme || /^(sqlite|file)$/i.test(scheme))) return raw;
    return `${scheme ? `${scheme}:` : 'a value'} (not a valid URL; not shown)`;
  }
  if (url.username || url.password) {
    url.password = '';
    url.username = '***';
  }
  for (const name of new Set(url.searchParams.keys())) {
    if (SECRET_PARAMETER.test(name)) url.searchParams.set(name, '***');
  }
  url.hash = '';
  return url.toString();
}

function invalid(raw: string, why: string): Error {
  // Never echo the value: it may carry a password. The scheme is enough to recognise the mistake.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1];
  const shown = scheme ? `a "${scheme}:" URL` : 'a value without a scheme';
  return new Error(`DATABASE_URL is not usable (${shown}: ${why}). Accepted forms: ${ACCEPTED_DATABASE_URL_FORMS.join('; ')}.`);
}
