import * as https from 'node:https';
import { IncomingMessage } from 'node:http';
import { isAllowedDownloadUrl } from '../../domain/download-hosts';
import { DomainError } from '../../domain/errors';
import { FileDownloadResult, FileDownloader } from '../../ports/file-download';
import { Logger } from '../../ports/logger';

const MAX_REDIRECTS = 3;

/**
 * Downloads a file sent to the bot with node:https: only https URLs on the allow-list, redirects
 * followed by hand (each hop re-checked against the list, at most MAX_REDIRECTS), the body counted
 * while it streams (bytes and lines, with or without Content-Length) and the whole download bounded
 * by one deadline. Anything off those rails is dropped (the socket destroyed) and named.
 */
export class HttpsFileDownloader implements FileDownloader {
  constructor(private readonly options: { allowedHosts: readonly string[]; timeoutMs: number; logger: Logger }) {}

  async download(url: string, limits: { maxBytes: number; maxLines: number }): Promise<FileDownloadResult> {
    const deadline = Date.now() + this.options.timeoutMs;
    let current = url;
    for (let hop = 0; ; hop++) {
      if (!isAllowedDownloadUrl(current, this.options.allowedHosts)) {
        this.options.logger.warn({ host: hostOf(current), hop }, 'file download refused: host not allowed');
        return fail(hop === 0 ? 'FILE.HOST_NOT_ALLOWED' : 'FILE.REDIRECT_NOT_ALLOWED', { host: hostOf(current) });
      }
      const step = await this.get(current, limits, deadline);
      if (step.kind === 'redirect') {
        if (hop >= MAX_REDIRECTS) return fail('FILE.TOO_MANY_REDIRECTS', { max: MAX_REDIRECTS });
        current = step.location;
        continue;
      }
      return step.result;
    }
  }

  private get(
    url: string,
    limits: { maxBytes: number; maxLines: number },
    deadline: number,
  ): Promise<{ kind: 'redirect'; location: string } | { kind: 'done'; result: FileDownloadResult }> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (value: { kind: 'redirect'; location: string } | { kind: 'done'; result: FileDownloadResult }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        resolve(value);
      };
      const done = (result: FileDownloadResult) => finish({ kind: 'done', result });
      const timer = setTimeout(() => done(fail('FILE.TIMEOUT', { seconds: Math.ceil(this.options.timeoutMs / 1000) })), Math.max(0, deadline - Date.now()));
      const request = https.get(url, { headers: { accept: 'text/csv, text/plain, */*' } }, (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && status !== 304) {
          const location = response.headers.location;
          if (!location) return done(fail('FILE.DOWNLOAD_FAILED', { status }));
          let next: string;
          try {
            next = new URL(location, url).toString();
          } catch {
            return done(fail('FILE.REDIRECT_NOT_ALLOWED', { host: 'an invalid address' }));
          }
          return finish({ kind: 'redirect', location: next });
        }
        if (status !== 200) return done(fail('FILE.DOWNLOAD_FAILED', { status }));
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > limits.maxBytes) return done(fail('FILE.TOO_LARGE', { maxBytes: limits.maxBytes }));
        const chunks: Buffer[] = [];
        let bytes = 0;
        let lines = 0;
        let previous = 0;
        response.on('data', (chunk: Buffer) => {
          if (settled) return;
          bytes += chunk.length;
          if (bytes > limits.maxBytes) return done(fail('FILE.TOO_LARGE', { maxBytes: limits.maxBytes }));
          for (const byte of chunk) {
            // A line ends with LF, CRLF or a lone CR.
            if (byte === 0x0a || previous === 0x0d) lines++;
            previous = byte;
          }
          if (lines > limits.maxLines) return done(fail('FILE.TOO_MANY_ROWS', { maxLines: limits.maxLines }));
          chunks.push(chunk);
        });
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          const last = body.length > 0 ? body[body.length - 1] : 0x0a;
          // The last line counts when it has no line break of its own.
          if (lines + (last === 0x0a ? 0 : 1) > limits.maxLines) return done(fail('FILE.TOO_MANY_ROWS', { maxLines: limits.maxLines }));
          done({ ok: true, text: body.toString('utf8') });
        });
        response.on('error', () => done(fail('FILE.DOWNLOAD_FAILED', { status: null })));
      });
      request.on('error', () => done(fail('FILE.DOWNLOAD_FAILED', { status: null })));
    });
  }
}

function fail(code: DomainError['code'], detail: DomainError['detail']): FileDownloadResult {
  return { ok: false, error: { code, detail } };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.slice(0, 100);
  } catch {
    return 'an invalid address';
  }
}
