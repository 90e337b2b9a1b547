import { DomainError } from '../domain/errors';

export type FileDownloadResult = { ok: true; text: string } | { ok: false; error: DomainError };

/**
 * Reads a file someone sent the bot (a Teams download URL). The implementation enforces, whatever the
 * file: https from the allowed hosts only, each redirect re-checked (a few at most), `maxBytes` and
 * `maxLines` while the body streams in (no Content-Length needed), and a time limit.
 */
export interface FileDownloader {
  download(url: string, limits: { maxBytes: number; maxLines: number }): Promise<FileDownloadResult>;
}
