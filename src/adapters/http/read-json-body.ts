import type { IncomingMessage } from 'node:http';

export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; reason: string };

/**
 * Reads a JSON request body into memory, itself, before anything else looks at it: only
 * `application/json` (optionally `; charset=utf-8`), never compressed (`Content-Encoding` of any kind is
 * refused: a small gzip body can inflate to gigabytes), at most `maxBytes` bytes on the wire. A body
 * over the cap is refused from its Content-Length without reading it, or as soon as the bytes read pass
 * the cap: what was read is dropped and the rest is discarded unread (the caller answers with
 * `Connection: close`, so the socket is closed right after the answer). Nothing is written to disk.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<JsonBody> {
  const refused = mediaTypeProblem(req.headers);
  if (refused) return Promise.resolve({ ok: false, status: 415, reason: refused });
  const declared = req.headers['content-length'];
  if (declared !== undefined && !(Number(declared) <= maxBytes)) {
    return Promise.resolve({ ok: false, status: 413, reason: `body of ${String(declared).slice(0, 20)} bytes declared, more than ${maxBytes}` });
  }

  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: JsonBody) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
      chunks = [];
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Keep nothing more: whatever still arrives until the socket closes is discarded as it comes.
        settle({ ok: false, status: 413, reason: `body longer than ${maxBytes} bytes` });
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      const text = Buffer.concat(chunks, size).toString('utf8');
      try {
        settle({ ok: true, value: JSON.parse(text) as unknown });
      } catch {
        settle({ ok: false, status: 400, reason: 'body is not valid JSON' });
      }
    };
    const onAbort = () => settle({ ok: false, status: 400, reason: 'request aborted before its body ended' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
}

/** Why the declared body type is not accepted, or null: JSON in UTF-8, uncompressed. */
function mediaTypeProblem(headers: IncomingMessage['headers']): string | null {
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && String(encoding).trim() !== '') return 'Content-Encoding is not accepted';
  const [type, ...params] = String(headers['content-type'] ?? '').split(';');
  if (type.trim().toLowerCase() !== 'application/json') return 'Content-Type must be application/json';
  for (const param of params) {
    if (param.trim() === '') continue;
    const [name, value = ''] = param.split('=');
    const charset = value
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    if (name.trim().toLowerCase() !== 'charset' || (charset !== 'utf-8' && charset !== 'utf8')) {
      return 'Content-Type must be application/json with no parameter but charset=utf-8';
    }
  }
  return null;
}
