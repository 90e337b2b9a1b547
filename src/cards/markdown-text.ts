/**
 * Text we did not write (display names, justifications, comments, UPNs, group, catalog and
 * access-package names, audit activity names: anything typed by a Teams user or read from the
 * directory) goes through `escapeMarkdown` before it is embedded in anything Teams renders:
 *
 * - Adaptive Card TextBlock text AND FactSet titles/values: the adaptivecards SDK renders a fact's
 *   value through a TextBlock with `useMarkdown` on (card-elements.js, FactSet.internalRender), and
 *   Teams documents markdown support for facts too, so both are markdown;
 * - bot message text (Teams renders it as markdown and also understands some HTML: `<at>`, `<b>`, `<a>`).
 *
 * Rules (one function for both targets, so a value looks the same everywhere):
 * 1. Control characters, bidi overrides/isolates and zero-width marks are dropped (no Trojan-source
 *    style reordering of a name); every whitespace run (newlines included) becomes one space and the
 *    ends are trimmed: the value stays inline, so it can never start a new paragraph, list item,
 *    heading, quote, table row or code block.
 * 2. Optional length cap in code points, applied BEFORE escaping (a cut can never split an escape),
 *    with an ellipsis.
 * 3. `<` and `>` become `&lt;` / `&gt;` (no HTML tag, no `<at>` mention, no `>` quote); `&` becomes
 *    `&amp;` when it would start a character reference (`&lt;`, `&#60;`, `&nbsp;`), a lone `&` stays.
 * 4. CommonMark backslash escapes for the inline markup characters `\ ` * _ [ ] ( ) ~ | {`
 *    (`{` so that `{{DATE(...)}}` / `{{TIME(...)}}` card text functions are not evaluated; `!` needs no
 *    escape once `[` is escaped, since `![` is the only image syntax).
 * 5. Block markers only matter at the start of a line, and the only line start a value can have is its
 *    own first character: a leading `#`, `+`, `-`, `=` gets a backslash, and so does the `.` of a
 *    leading `12.` (ordered list).
 *
 * Bare URLs in user text may still be auto-linked by a Teams client; the link then shows its own
 * target, so it cannot disguise where it goes. Links we build (admin center) use `markdownLink`.
 */
export function escapeMarkdown(value: string | null | undefined, maxLength?: number): string {
  let text = inlineText(value);
  if (maxLength !== undefined) text = truncateText(text, maxLength);
  text = text
    .replace(/&(?=#?[0-9A-Za-z]+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]()~|{]/g, '\\$&');
  return text.replace(/^([#+\-=])/, '\\$1').replace(/^(\d+)\./, '$1\\.');
}

/** A markdown link whose text is user content (escaped) and whose URL is one we built. */
export function markdownLink(text: string | null | undefined, url: string, maxLength?: number): string {
  return `[${escapeMarkdown(text, maxLength)}](${url})`;
}

// Control characters (C0 except whitespace, DEL, C1), zero-width marks and bidi controls.
const INVISIBLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** The value as one line of plain text: invisible characters dropped, whitespace collapsed. */
export function inlineText(value: string | null | undefined): string {
  return String(value ?? '')
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** At most `maxLength` code points (never a broken surrogate pair), `…` marking a cut. */
export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const points = Array.from(text);
  if (points.length <= maxLength) return text;
  return `${points
    .slice(0, Math.max(0, maxLength - 1))
    .join('')
    .trimEnd()}…`;
}
