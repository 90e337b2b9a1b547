/** The UPNs of a pasted list or a CSV's cells (a header row such as "upn" is skipped), lower-cased, de-duplicated, in order. */
export function parseUpns(text: string): string[] {
  const seen = new Set<string>();
  for (const cell of text.split(/[\r\n,;\s]+/)) {
    const upn = cell.trim().replace(/^"|"$/g, '');
    if (/^[^\s@"]+@[^\s@"]+\.[^\s@"]+$/.test(upn)) seen.add(upn.toLowerCase());
  }
  return [...seen];
}
