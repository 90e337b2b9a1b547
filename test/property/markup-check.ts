/**
 * A small oracle for "user text is shown as text": scans Teams markdown the way CommonMark reads it
 * (backslash escapes, the entities escapeMarkdown produces, code spans) and reports every piece of
 * markup that is not one we put there on purpose:
 * - links are allowed only to the Entra admin center (their text is scanned too);
 * - code spans are ours (user text escapes every backtick) and are skipped;
 * - with `allowBold`, `**` pairs (our headlines in messages); with `allowListItems`, a `- ` at line start.
 * Anything else active (`[ ] * _ < > ~ | {`, `![`, and a backtick without its pair, or a block marker at the
 * start of a line) is a problem: it means some user or directory text reached the output unescaped.
 */
export interface MarkupOptions {
  allowBold?: boolean;
  allowListItems?: boolean;
}

const ALLOWED_LINK = /^https:\/\/entra\.microsoft\.com\/[^\s()]*$/;
const ESCAPABLE = /[!-/:-@[-`{-~]/;
const ACTIVE = new Set(['[', ']', '*', '_', '<', '>', '~', '|', '{']);

export function markupProblems(text: string, options: MarkupOptions = {}): string[] {
  const problems: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/^ {0,3}/, '');
    if (/^(#|>|\+|=|\d+[.)])/.test(trimmed) || (/^-/.test(trimmed) && !(options.allowListItems && /^- /.test(trimmed)))) {
      problems.push(`block marker at line start: ${JSON.stringify(line.slice(0, 40))}`);
    }
  }
  scanInline(text, options, problems);
  return problems;
}

function scanInline(text: string, options: MarkupOptions, problems: string[]): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length && ESCAPABLE.test(text[i + 1])) {
      i++;
      continue;
    }
    if (c === '&') continue; // entities decode to text; they cannot open a tag once < is escaped
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) problems.push(`unpaired backtick at ${i}`);
      else i = end;
      continue;
    }
    if (c === '*' && options.allowBold && text[i + 1] === '*') {
      i++;
      continue;
    }
    if (c === '!' && text[i + 1] === '[') {
      problems.push(`image at ${i}`);
      continue;
    }
    if (c === '[') {
      const link = readLink(text, i);
      if (!link) {
        problems.push(`active '[' at ${i}: ${JSON.stringify(text.slice(i, i + 60))}`);
        continue;
      }
      if (!ALLOWED_LINK.test(link.url)) problems.push(`link to ${link.url}`);
      scanInline(link.label, { ...options, allowBold: false }, problems);
      i = link.end;
      continue;
    }
    // An intraword '_' (ALLOWED_TARGET_GROUP_ID) can neither open nor close emphasis in CommonMark.
    if (c === '_' && /[A-Za-z0-9]/.test(text[i - 1] ?? '') && /[A-Za-z0-9_]/.test(text[i + 1] ?? '')) continue;
    if (ACTIVE.has(c)) problems.push(`active '${c}' at ${i}: ${JSON.stringify(text.slice(Math.max(0, i - 20), i + 40))}`);
  }
}

/** `[label](url)` starting at `start`, the label ending at the first unescaped ']'. */
function readLink(text: string, start: number): { label: string; url: string; end: number } | null {
  let i = start + 1;
  for (; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === '[') return null;
    if (text[i] === ']') break;
  }
  if (text[i] !== ']' || text[i + 1] !== '(') return null;
  const close = text.indexOf(')', i + 2);
  if (close < 0) return null;
  return { label: text.slice(start + 1, i), url: text.slice(i + 2, close), end: close };
}

/** Every markdown text of a card: TextBlock text and FactSet titles and values. */
export function cardTexts(card: unknown): string[] {
  const texts: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      if (n.type === 'TextBlock' && typeof n.text === 'string') texts.push(n.text);
      if (typeof n.title === 'string' && typeof n.value === 'string') texts.push(n.title, n.value);
      Object.values(n).forEach(visit);
    }
  };
  visit(card);
  return texts;
}

/** The element and action types our card builders emit; user text must never add one. */
export const CARD_TYPES = new Set(['AdaptiveCard', 'TextBlock', 'FactSet', 'ActionSet', 'Input.Text', 'Action.Execute', 'Action.Submit']);

export function cardTypes(card: unknown): string[] {
  const types: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      if (typeof n.type === 'string') types.push(n.type);
      Object.values(n).forEach(visit);
    }
  };
  visit(card);
  return types;
}
