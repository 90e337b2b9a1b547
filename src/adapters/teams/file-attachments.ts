import { Attachment } from 'botbuilder';

/**
 * The CSV file in a message, as Teams delivers files in a personal chat (file.download.info). Only
 * its shape is checked here; whether and from where it may be downloaded is decided by the use case
 * (requestTransferFromFile) and the FileDownloader.
 */
export function csvAttachment(attachments: Attachment[] | undefined): { name: string; downloadUrl: string } | null {
  for (const a of attachments ?? []) {
    if (a.contentType !== 'application/vnd.microsoft.teams.file.download.info') continue;
    const content = (a.content ?? {}) as { downloadUrl?: unknown; fileType?: unknown };
    const name = typeof a.name === 'string' ? a.name : 'file.csv';
    const isCsv = String(content.fileType ?? '').toLowerCase() === 'csv' || name.toLowerCase().endsWith('.csv');
    if (isCsv && typeof content.downloadUrl === 'string' && content.downloadUrl.length <= 4096)
      return { name: name.slice(0, 200), downloadUrl: content.downloadUrl };
  }
  return null;
}
