import { Attachment } from 'botbuilder';

export const MAX_CSV_BYTES = 5 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 20_000;

/** The CSV file in a message, as Teams delivers files in a personal chat (file.download.info). */
export function csvAttachment(attachments: Attachment[] | undefined): { name: string; downloadUrl: string } | null {
  for (const a of attachments ?? []) {
    if (a.contentType !== 'application/vnd.microsoft.teams.file.download.info') continue;
    const content = (a.content ?? {}) as { downloadUrl?: unknown; fileType?: unknown };
    const name = typeof a.name === 'string' ? a.name : 'file.csv';
    const isCsv = String(content.fileType ?? '').toLowerCase() === 'csv' || name.toLowerCase().endsWith('.csv');
    if (isCsv && typeof content.downloadUrl === 'string' && /^https?:\/\//i.test(content.downloadUrl)) return { name: name.slice(0, 200), downloadUrl: content.downloadUrl };
  }
  return null;
}

/** Downloads the file (the URL is pre-authorized by Teams for a short time), refusing big files. */
export async function downloadText(url: string, maxBytes: number): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (!response.ok) return { ok: false, reason: `download failed with HTTP ${response.status}` };
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > maxBytes) return { ok: false, reason: `the file is larger than ${Math.round(maxBytes / 1048576)} MB` };
    const body = Buffer.from(await response.arrayBuffer());
    if (body.length > maxBytes) return { ok: false, reason: `the file is larger than ${Math.round(maxBytes / 1048576)} MB` };
    return { ok: true, text: body.toString('utf8') };
  } catch {
    return { ok: false, reason: 'the download did not complete' };
  }
}
