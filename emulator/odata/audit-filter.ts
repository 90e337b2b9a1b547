import { DirectoryAudit } from '../types';

/**
 * The $filter forms the bot sends to /auditLogs/directoryAudits (docs/soa-and-graph.md §4), combined with
 * 'and' in any order:
 *   startswith(activityDisplayName,'X')          activityDisplayName eq 'X'
 *   targetResources/any(t:t/id eq 'ID')          (also t/userPrincipalName, t/displayName)
 *   activityDateTime ge|gt|le|lt 2026-01-01T00:00:00Z
 *   correlationId | category | result | loggedByService | operationType | id | initiatedBy/app/appId eq 'X'
 * Anything else is rejected (the bot must not rely on filters the emulator does not check).
 */
export type AuditPredicate = (record: DirectoryAudit) => boolean;

const STRING = "'((?:[^']|'')*)'";
const unquote = (s: string) => s.replace(/''/g, "'");
const ieq = (a: string | null | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();

const SIMPLE_PROPS: Record<string, (r: DirectoryAudit) => string | null | undefined> = {
  activitydisplayname: (r) => r.activityDisplayName,
  correlationid: (r) => r.correlationId,
  category: (r) => r.category,
  result: (r) => r.result,
  loggedbyservice: (r) => r.loggedByService,
  operationtype: (r) => r.operationType,
  id: (r) => r.id,
  'initiatedby/app/appid': (r) => r.initiatedBy.app?.appId,
  'initiatedby/user/id': (r) => r.initiatedBy.user?.id,
};

export function parseAuditFilter(filter: string): { ok: true; predicate: AuditPredicate } | { ok: false; message: string } {
  const clauses = splitTopLevelAnd(filter.trim());
  const predicates: AuditPredicate[] = [];
  for (const clause of clauses) {
    const p = parseClause(stripParens(clause.trim()));
    if (!p) return { ok: false, message: `Invalid filter clause: '${clause.trim()}'.` };
    predicates.push(p);
  }
  return { ok: true, predicate: (r) => predicates.every((p) => p(r)) };
}

function parseClause(c: string): AuditPredicate | null {
  let m = new RegExp(`^startswith\\(\\s*([\\w/]+)\\s*,\\s*${STRING}\\s*\\)$`, 'i').exec(c);
  if (m) {
    const get = SIMPLE_PROPS[m[1].toLowerCase()];
    const prefix = unquote(m[2]).toLowerCase();
    return get ? (r) => (get(r) ?? '').toLowerCase().startsWith(prefix) : null;
  }
  m = new RegExp(`^targetResources/any\\(\\s*(\\w+)\\s*:\\s*(\\w+)/(id|userPrincipalName|displayName)\\s+eq\\s+${STRING}\\s*\\)$`, 'i').exec(c);
  if (m) {
    if (m[1] !== m[2]) return null;
    const prop = m[3].toLowerCase();
    const value = unquote(m[4]);
    return (r) => r.targetResources.some((t) => ieq(prop === 'id' ? t.id : prop === 'displayname' ? t.displayName : t.userPrincipalName, value));
  }
  m = /^activityDateTime\s+(ge|gt|le|lt|eq)\s+'?([0-9T:.\-+Z]+)'?$/i.exec(c);
  if (m) {
    const op = m[1].toLowerCase();
    const at = Date.parse(m[2]);
    if (Number.isNaN(at)) return null;
    return (r) => compare(Date.parse(r.activityDateTime), op, at);
  }
  m = new RegExp(`^([\\w/]+)\\s+eq\\s+${STRING}$`, 'i').exec(c);
  if (m) {
    const get = SIMPLE_PROPS[m[1].toLowerCase()];
    const value = unquote(m[2]);
    return get ? (r) => ieq(get(r), value) : null;
  }
  return null;
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case 'ge':
      return a >= b;
    case 'gt':
      return a > b;
    case 'le':
      return a <= b;
    case 'lt':
      return a < b;
    default:
      return a === b;
  }
}

/** Split on ' and ' outside quotes and parentheses. */
function splitTopLevelAnd(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inQuote = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'")
      inQuote = !inQuote; // '' inside a literal toggles twice: still correct
    else if (!inQuote && ch === '(') depth++;
    else if (!inQuote && ch === ')') depth--;
    else if (!inQuote && depth === 0 && /\s/.test(ch) && /^\s+and\s+/i.test(text.slice(i))) {
      const m = /^\s+and\s+/i.exec(text.slice(i)) as RegExpExecArray;
      parts.push(text.slice(start, i));
      i += m[0].length - 1;
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** '(a eq 'b')' -> "a eq 'b'" when the parentheses wrap the whole clause. */
function stripParens(c: string): string {
  while (c.startsWith('(') && c.endsWith(')') && wrapsWhole(c)) c = c.slice(1, -1).trim();
  return c;
}

function wrapsWhole(c: string): boolean {
  let depth = 0;
  let inQuote = false;
  for (let i = 0; i < c.length; i++) {
    if (c[i] === "'") inQuote = !inQuote;
    else if (!inQuote && c[i] === '(') depth++;
    else if (!inQuote && c[i] === ')') {
      depth--;
      if (depth === 0 && i < c.length - 1) return false;
    }
  }
  return true;
}
