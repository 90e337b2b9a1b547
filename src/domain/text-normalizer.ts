const NAMED_ENTITIES: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  '#39': "'",
};

/**
 * Teams sends message text with `<at>` mentions, `&nbsp;`, sometimes HTML (links around e-mail
 * addresses, <p> wrappers). botbuilder's removeRecipientMention strips only the first mention and
 * mutates the activity, so we normalise the text ourselves: drop every mention, drop tags, decode
 * entities, collapse whitespace.
 *
 * Every quantifier that runs over user text is bounded ({0,N}): with `[^>]*` a message of 100,000
 * '<' took 7 s of CPU (each '<' scanned to the end of the text), and one user can send that. A
 * "tag" longer than the bound is not a tag and stays text.
 */
export function normalizeMessageText(raw: string): string {
  let text = raw.replace(/<at\b[^<>]{0,200}>[^<]{0,500}<\/at>/gi, ' ');
  text = text.replace(/<br\s{0,20}\/?>/gi, ' ').replace(/<\/?(p|div)\b[^<>]{0,500}>/gi, ' ');
  text = text.replace(/<[^<>]{1,2000}>/g, '');
  text = text.replace(/&(#x[0-9a-f]{1,8}|#\d{1,10}|[a-z0-9]{1,32});/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower in NAMED_ENTITIES) return NAMED_ENTITIES[lower];
    if (lower.startsWith('#x')) return safeCodePoint(parseInt(lower.slice(2), 16), whole);
    if (lower.startsWith('#')) return safeCodePoint(parseInt(lower.slice(1), 10), whole);
    return whole;
  });
  // Non-breaking and zero-width spaces count as whitespace; control characters are dropped.
  text = text.replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]/g, ' ');
  // Control characters and bidi controls (which could reorder how a reason reads) are dropped.
  text = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  return text.replace(/\s+/g, ' ').trim();
}

function safeCodePoint(cp: number, fallback: string): string {
  if (!Number.isFinite(cp) || cp < 0 || cp > 0x10ffff) return fallback;
  return String.fromCodePoint(cp);
}
