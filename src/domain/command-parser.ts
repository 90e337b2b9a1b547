import { DomainError } from './errors';
import { normalizeMessageText } from './text-normalizer';

export type Command =
  | { verb: 'help' }
  | { verb: 'status'; upns: string[] }
  | { verb: 'transfer'; upns: string[]; justification: string }
  | { verb: 'transfer-group'; group: string; justification: string }
  /** Group SOA itself (docs/soa-and-graph.md §6a), not its members. */
  | { verb: 'group'; action: 'transfer' | 'rollback' | 'status'; group: string; nested: boolean; justification: string }
  | { verb: 'rollback'; upns: string[]; justification: string }
  | { verb: 'notify'; action: 'here' | 'off' | 'status' }
  | { verb: 'health' }
  | { verb: 'freeze'; reason: string }
  | { verb: 'unfreeze' }
  | { verb: 'approve'; requestId: string }
  | { verb: 'reject'; requestId: string; comment: string }
  | { verb: 'resume' | 'cancel' | 'confirm'; requestId: string }
  | { verb: 'pending' }
  | { verb: 'delegations' }
  | { verb: 'delegate'; upn: string; until: string }
  | { verb: 'delegate-off'; forUpn: string | null }
  | { verb: 'reassign'; requestId: string; upn: string; note: string };

export type ParseResult = { ok: true; command: Command } | { ok: false; error: DomainError };

// Every verb a parsed command can have; the compiler refuses a verb missing here.
const VERB_SET: Record<Command['verb'], true> = {
  help: true,
  status: true,
  transfer: true,
  'transfer-group': true,
  group: true,
  rollback: true,
  notify: true,
  health: true,
  freeze: true,
  unfreeze: true,
  approve: true,
  reject: true,
  resume: true,
  cancel: true,
  confirm: true,
  pending: true,
  delegations: true,
  delegate: true,
  'delegate-off': true,
  reassign: true,
};
/** Every verb a parsed command can have (the grammar's examples must cover each). */
export const COMMAND_VERBS = Object.keys(VERB_SET) as Command['verb'][];

export interface ParseOptions {
  maxUsersPerRequest: number;
}

// A UPN is local@domain. We accept what Entra accepts for the local part (including '#EXT#' guests,
// a leading '$', a single quote as in O'Brien and '%') and refuse anything with whitespace, double
// quotes or control characters. Length limit: 113 characters (64 + '@' + 48) for cloud UPNs; synced
// UPNs follow the same limit.
//
// Hostile input, decided here:
// - Entra UPNs are ASCII only. A UPN with any non-ASCII character (a Cyrillic 'а' in contoso, a
//   full-width '＠', an accented letter) is refused with its own message ("look-alike characters are
//   not accepted, type the UPN in plain ASCII") instead of being looked up: a look-alike could
//   otherwise resolve to a different, attacker-registered account in a directory that allowed it,
//   and the approver could not tell the two apart on the card.
// - Characters that are valid but special in URLs or OData ('#', '%', '$', "'", '&', '+', '?'...)
//   are accepted; the Graph adapter encodes them on every path (graph-paths.ts: '#' and '%' are
//   percent-encoded, a leading '$' uses the key form users('...') with doubled quotes) and every
//   $filter literal doubles single quotes.
// - Over-long values are refused with a message that names the limit; what we echo back is cut to
//   60 characters.
const UPN_PATTERN =
  /^[A-Za-z0-9!#$%&*+\-/=?^_`{|}~.']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const MAX_UPN_LENGTH = 113;
const REQUEST_ID_PATTERN = /^[A-Za-z0-9-]{4,40}$/;
const MAX_TEXT_LENGTH = 2000;
/** Anything that contains an at sign, ASCII or a look-alike (full-width, small form), is meant as a UPN. */
const AT_SIGN = /[@\uff20\ufe6b]/;
const NON_ASCII = /[^\x00-\x7f]/;

export function isValidUpn(candidate: string): boolean {
  return candidate.length <= MAX_UPN_LENGTH && UPN_PATTERN.test(candidate) && !candidate.includes('..');
}

/** Parses one chat message (raw Teams text; mentions and HTML are tolerated). */
export function parseCommand(rawText: string, options: ParseOptions): ParseResult {
  // The whole message is parsed (the normaliser is linear), so a UPN is never cut in half; only the
  // free text (justification, comment) is capped at MAX_TEXT_LENGTH.
  const text = normalizeMessageText(typeof rawText === 'string' ? rawText : '');
  if (!text) return err('COMMAND.EMPTY');
  const [first, ...rest] = text.split(' ');
  const verb = first.toLowerCase().replace(/^\//, '');
  if ((verb === 'transfer' || verb === 'rollback' || verb === 'status') && (rest[0] ?? '').toLowerCase() === 'group')
    return parseGroupCommand(verb, rest.slice(1));
  switch (verb) {
    case 'help':
    case '?':
      return { ok: true, command: { verb: 'help' } };
    case 'status': {
      const { upns, remainder, error } = takeUpns(rest);
      if (error) return { ok: false, error };
      if (upns.length === 0) return err('COMMAND.MISSING_UPN', { verb: 'status' });
      if (remainder) return { ok: false, error: invalidUpn(remainder.split(' ')[0]) };
      if (upns.length > options.maxUsersPerRequest) {
        return err('COMMAND.TOO_MANY_UPNS', { count: upns.length, max: options.maxUsersPerRequest });
      }
      return { ok: true, command: { verb: 'status', upns } };
    }
    case 'health':
      return { ok: true, command: { verb: 'health' } };
    case 'freeze':
      return {
        ok: true,
        command: {
          verb: 'freeze',
          reason: rest
            .join(' ')
            .replace(/^reason\s*:\s*/i, '')
            .slice(0, 200),
        },
      };
    case 'unfreeze':
      return { ok: true, command: { verb: 'unfreeze' } };
    case 'notify': {
      const action = (rest[0] ?? '').toLowerCase();
      if (action === 'here' || action === 'off' || action === 'status') return { ok: true, command: { verb: 'notify', action } };
      return err('COMMAND.UNKNOWN', { verb: truncate(`notify ${rest[0] ?? ''}`.trim()) });
    }
    case 'rollback':
    case 'transfer': {
      if (verb === 'transfer' && rest.length >= 2 && rest[0].toLowerCase() === 'members' && rest[1].toLowerCase() === 'of') {
        // `transfer members of <group name or id> [reason: why]`: the name runs up to `reason:`.
        const tail = rest.slice(2).join(' ');
        const [groupPart, ...reasonParts] = tail.split(/\breason\s*:/i);
        const group = groupPart
          .trim()
          .replace(/^["'“”]|["'“”]$/g, '')
          .trim();
        if (!group) return err('COMMAND.MISSING_GROUP');
        if (group.length > 256) return err('COMMAND.MISSING_GROUP');
        return { ok: true, command: { verb: 'transfer-group', group, justification: reasonParts.join('reason:').slice(0, MAX_TEXT_LENGTH).trim() } };
      }
      const { upns, remainder, error } = takeUpns(rest);
      if (error) return { ok: false, error };
      if (upns.length === 0) return err('COMMAND.MISSING_UPN', { verb });
      if (upns.length > options.maxUsersPerRequest) {
        return err('COMMAND.TOO_MANY_UPNS', { count: upns.length, max: options.maxUsersPerRequest });
      }
      const justification = remainder
        .replace(/^reason\s*:\s*/i, '')
        .slice(0, MAX_TEXT_LENGTH)
        .trim();
      return { ok: true, command: { verb, upns, justification } };
    }
    case 'approve':
    case 'reject': {
      const id = rest[0];
      if (!id || !REQUEST_ID_PATTERN.test(id)) return err('COMMAND.MISSING_REQUEST_ID', { verb });
      const requestId = id.toUpperCase();
      if (verb === 'approve') return { ok: true, command: { verb, requestId } };
      const comment = rest
        .slice(1)
        .join(' ')
        .replace(/^(reason|comment)\s*:\s*/i, '')
        .slice(0, MAX_TEXT_LENGTH)
        .trim();
      return { ok: true, command: { verb, requestId, comment } };
    }
    case 'resume':
    case 'cancel':
    case 'confirm': {
      // The typed fallback of the card's Resume, Cancel and safeguard Confirm buttons (Teams mobile).
      const id = rest[0];
      if (!id || !REQUEST_ID_PATTERN.test(id)) return err('COMMAND.MISSING_REQUEST_ID', { verb });
      return { ok: true, command: { verb, requestId: id.toUpperCase() } };
    }
    case 'pending':
      return { ok: true, command: { verb: 'pending' } };
    case 'delegations':
      return { ok: true, command: { verb: 'delegations' } };
    case 'delegate': {
      if ((rest[0] ?? '').toLowerCase() === 'off') {
        if (rest.length === 1) return { ok: true, command: { verb: 'delegate-off', forUpn: null } };
        const upn = stripWrapping(rest[2] ?? '');
        if (rest.length !== 3 || rest[1].toLowerCase() !== 'for' || !isValidUpn(upn))
          return err('COMMAND.BAD_ARGUMENTS', { syntax: 'delegate off [for <upn>]' });
        return { ok: true, command: { verb: 'delegate-off', forUpn: upn } };
      }
      const upn = stripWrapping(rest[1] ?? '');
      if (
        rest.length !== 4 ||
        rest[0].toLowerCase() !== 'to' ||
        rest[2].toLowerCase() !== 'until' ||
        !isValidUpn(upn) ||
        !/^\d{4}-\d{2}-\d{2}$/.test(rest[3])
      ) {
        return err('COMMAND.BAD_ARGUMENTS', { syntax: 'delegate to <upn> until <YYYY-MM-DD>' });
      }
      return { ok: true, command: { verb: 'delegate', upn, until: rest[3] } };
    }
    case 'reassign': {
      const id = rest[0];
      const upn = stripWrapping(rest[2] ?? '');
      if (!id || !REQUEST_ID_PATTERN.test(id) || (rest[1] ?? '').toLowerCase() !== 'to' || !isValidUpn(upn)) {
        return err('COMMAND.BAD_ARGUMENTS', { syntax: 'reassign <request-id> to <upn> [note]' });
      }
      return { ok: true, command: { verb: 'reassign', requestId: id.toUpperCase(), upn, note: rest.slice(3).join(' ').slice(0, 500).trim() } };
    }
    default:
      return err('COMMAND.UNKNOWN', { verb: truncate(first) });
  }
}

/**
 * `transfer group <name or id> [with nested groups] [reason: why]`, `rollback group <name or id> [reason: why]`,
 * `status group <name or id>`: the name runs up to `reason:` (or ` with nested groups` for a transfer).
 */
function parseGroupCommand(action: 'transfer' | 'rollback' | 'status', tokens: string[]): ParseResult {
  const [groupPart, ...reasonParts] = tokens.join(' ').split(/\breason\s*:/i);
  let name = groupPart.trim();
  const nested = action === 'transfer' && /\s+with\s+nested\s+groups$/i.test(name);
  if (nested) name = name.replace(/\s+with\s+nested\s+groups$/i, '');
  const group = name
    .trim()
    .replace(/^["'“”]|["'“”]$/g, '')
    .trim();
  if (!group || group.length > 256) return err('COMMAND.MISSING_GROUP');
  const justification = action === 'status' ? '' : reasonParts.join('reason:').slice(0, MAX_TEXT_LENGTH).trim();
  return { ok: true, command: { verb: 'group', action, group, nested, justification } };
}

/**
 * Leading tokens that contain '@' are UPNs (separated by spaces, commas or semicolons); the first
 * token without '@' starts the justification. A token with '@' that is not a valid UPN is an error,
 * not silently part of the reason: the admin almost certainly mistyped a user.
 */
function takeUpns(tokens: string[]): { upns: string[]; remainder: string; error?: DomainError } {
  const upns: string[] = [];
  const seen = new Set<string>();
  let i = 0;
  for (; i < tokens.length; i++) {
    const token = tokens[i];
    if (/^reason\s*:/i.test(token)) break;
    const parts = token.split(/[,;]/).filter((p) => p.length > 0);
    if (parts.length === 0) continue;
    if (!parts.every((p) => AT_SIGN.test(p))) {
      if (parts.some((p) => AT_SIGN.test(p))) {
        const bad = parts.find((p) => !isValidUpn(stripWrapping(p))) ?? token;
        return { upns, remainder: '', error: invalidUpn(bad) };
      }
      break;
    }
    for (const part of parts) {
      const upn = stripWrapping(part);
      if (!isValidUpn(upn)) return { upns, remainder: '', error: invalidUpn(part) };
      const lower = upn.toLowerCase();
      if (!seen.has(lower)) {
        seen.add(lower);
        upns.push(upn);
      }
    }
  }
  return { upns, remainder: tokens.slice(i).join(' ').trim() };
}

/** People paste UPNs as `<alice@contoso.com>` or `mailto:alice@contoso.com`. */
function stripWrapping(value: string): string {
  return value
    .replace(/^mailto:/i, '')
    .replace(/^[<(]+/, '')
    .replace(/[>).]+$/, '');
}

/**
 * INVALID_UPN with a reason the message mapper words differently: 'non-ascii' (look-alike
 * characters), 'too-long', or none (malformed).
 */
function invalidUpn(value: string): DomainError {
  const upn = stripWrapping(value);
  const reason = NON_ASCII.test(upn) ? 'non-ascii' : upn.length > MAX_UPN_LENGTH ? 'too-long' : null;
  const detail: Record<string, string | number> = { value: truncate(value) };
  if (reason) detail.reason = reason;
  if (reason === 'too-long') detail.max = MAX_UPN_LENGTH;
  return { code: 'COMMAND.INVALID_UPN', detail };
}

/** What we echo back of the user's input: at most 60 characters (code points, never half a pair). */
function truncate(value: string): string {
  const points = Array.from(value);
  return points.length > 60 ? `${points.slice(0, 57).join('')}...` : value;
}

function err(code: DomainError['code'], detail?: DomainError['detail']): ParseResult {
  return { ok: false, error: detail ? { code, detail } : { code } };
}

/**
 * The justification of a CSV file sent to the bot: the message's text, with an optional leading
 * `transfer` and `reason:` dropped (people write "transfer reason: wave 3" with the file), capped
 * like every other free text.
 */
export function parseFileCaption(rawText: string): string {
  return normalizeMessageText(typeof rawText === 'string' ? rawText : '')
    .replace(/^transfer\b/i, '')
    .replace(/^\s*reason\s*:/i, '')
    .trim()
    .slice(0, MAX_TEXT_LENGTH);
}
