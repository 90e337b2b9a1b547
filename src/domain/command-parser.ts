import { DomainError } from './errors';
import { normalizeMessageText } from './text-normalizer';

export type Command =
  | { verb: 'help' }
  | { verb: 'status'; upns: string[] }
  | { verb: 'transfer'; upns: string[]; justification: string }
  | { verb: 'rollback'; upns: string[]; justification: string }
  | { verb: 'notify'; action: 'here' | 'off' | 'status' }
  | { verb: 'approve'; requestId: string }
  | { verb: 'reject'; requestId: string; comment: string };

export type ParseResult = { ok: true; command: Command } | { ok: false; error: DomainError };

export const USAGE =
  'Usage: `transfer <upn> [more upns] [reason: why]` · `rollback <upn> [more upns] [reason: why]` · `status <upn>` · `approve <request-id>` · `reject <request-id> [comment]` · `notify here|off|status` · `help`';

export interface ParseOptions {
  maxUsersPerRequest: number;
}

// A UPN is local@domain. We accept what Entra accepts for the local part (including '#EXT#' guests
// and a leading '$') and refuse anything with whitespace, quotes or control characters. Length
// limit: 113 characters (64 + '@' + 48) for cloud UPNs; synced UPNs follow the same limit.
const UPN_PATTERN = /^[A-Za-z0-9!#$%&*+\-/=?^_`{|}~.']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const MAX_UPN_LENGTH = 113;
const REQUEST_ID_PATTERN = /^[A-Za-z0-9-]{4,40}$/;
const MAX_TEXT_LENGTH = 2000;

export function isValidUpn(candidate: string): boolean {
  return candidate.length <= MAX_UPN_LENGTH && UPN_PATTERN.test(candidate) && !candidate.includes('..');
}

/** Parses one chat message (raw Teams text; mentions and HTML are tolerated). */
export function parseCommand(rawText: string, options: ParseOptions): ParseResult {
  const text = normalizeMessageText(rawText ?? '').slice(0, MAX_TEXT_LENGTH);
  if (!text) return err('COMMAND.EMPTY');
  const [first, ...rest] = text.split(' ');
  const verb = first.toLowerCase().replace(/^\//, '');
  switch (verb) {
    case 'help':
    case '?':
      return { ok: true, command: { verb: 'help' } };
    case 'status': {
      const { upns, remainder, error } = takeUpns(rest);
      if (error) return { ok: false, error };
      if (upns.length === 0) return err('COMMAND.MISSING_UPN', { verb: 'status' });
      if (remainder) return err('COMMAND.INVALID_UPN', { value: truncate(remainder.split(' ')[0]) });
      if (upns.length > options.maxUsersPerRequest) {
        return err('COMMAND.TOO_MANY_UPNS', { count: upns.length, max: options.maxUsersPerRequest });
      }
      return { ok: true, command: { verb: 'status', upns } };
    }
    case 'notify': {
      const action = (rest[0] ?? '').toLowerCase();
      if (action === 'here' || action === 'off' || action === 'status') return { ok: true, command: { verb: 'notify', action } };
      return err('COMMAND.UNKNOWN', { verb: truncate(`notify ${rest[0] ?? ''}`.trim()) });
    }
    case 'rollback':
    case 'transfer': {
      const { upns, remainder, error } = takeUpns(rest);
      if (error) return { ok: false, error };
      if (upns.length === 0) return err('COMMAND.MISSING_UPN', { verb });
      if (upns.length > options.maxUsersPerRequest) {
        return err('COMMAND.TOO_MANY_UPNS', { count: upns.length, max: options.maxUsersPerRequest });
      }
      const justification = remainder.replace(/^reason\s*:\s*/i, '').trim();
      return { ok: true, command: { verb, upns, justification } };
    }
    case 'approve':
    case 'reject': {
      const id = rest[0];
      if (!id || !REQUEST_ID_PATTERN.test(id)) return err('COMMAND.MISSING_REQUEST_ID', { verb });
      const requestId = id.toUpperCase();
      if (verb === 'approve') return { ok: true, command: { verb, requestId } };
      const comment = rest.slice(1).join(' ').replace(/^(reason|comment)\s*:\s*/i, '').trim();
      return { ok: true, command: { verb, requestId, comment } };
    }
    default:
      return err('COMMAND.UNKNOWN', { verb: truncate(first) });
  }
}

/**
 * Leading tokens that contain '@' are UPNs (separated by spaces, commas or semicolons); the first
 * token without '@' starts the justification. A token with '@' that is not a valid UPN is an error,
 * not silently part of the reason: the admin almost certainly mistyped a user.
 */
function takeUpns(tokens: string[]): { upns: string[]; remainder: string; error?: DomainError } {
  const upns: string[] = [];
  let i = 0;
  for (; i < tokens.length; i++) {
    const token = tokens[i];
    if (/^reason\s*:/i.test(token)) break;
    const parts = token.split(/[,;]/).filter((p) => p.length > 0);
    if (parts.length === 0) continue;
    if (!parts.every((p) => p.includes('@'))) {
      if (parts.some((p) => p.includes('@'))) {
        const bad = parts.find((p) => !isValidUpn(stripWrapping(p))) ?? token;
        return { upns, remainder: '', error: { code: 'COMMAND.INVALID_UPN', detail: { value: truncate(bad) } } };
      }
      break;
    }
    for (const part of parts) {
      const upn = stripWrapping(part);
      if (!isValidUpn(upn)) {
        return { upns, remainder: '', error: { code: 'COMMAND.INVALID_UPN', detail: { value: truncate(part) } } };
      }
      const lower = upn.toLowerCase();
      if (!upns.some((u) => u.toLowerCase() === lower)) upns.push(upn);
    }
  }
  return { upns, remainder: tokens.slice(i).join(' ').trim() };
}

/** People paste UPNs as `<alice@contoso.com>` or `mailto:alice@contoso.com`. */
function stripWrapping(value: string): string {
  return value.replace(/^mailto:/i, '').replace(/^[<(]+/, '').replace(/[>).]+$/, '');
}

function truncate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

function err(code: DomainError['code'], detail?: DomainError['detail']): ParseResult {
  return { ok: false, error: detail ? { code, detail } : { code } };
}
