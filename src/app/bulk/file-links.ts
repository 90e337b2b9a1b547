import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A bulk request's preflight or results table, or a `status` report too long for one message. */
export type TableKind = 'preflight' | 'results' | 'status';

/**
 * Short-lived signed links to a request's full table (CSV), or to a stored status report (the
 * "request id" is then the report's key). The token carries that id, the table and an expiry, signed with HMAC-SHA256; whoever holds the link can read that one table until
 * it expires, nothing else. Several instances need the same FILE_LINK_SECRET.
 */
export class FileLinks {
  private readonly secret: Buffer;

  constructor(private readonly options: { baseUrl: string | null; secret: string | null; ttlMs: number; now: () => Date }) {
    this.secret = options.secret ? Buffer.from(options.secret, 'utf8') : randomBytes(32);
  }

  /** How long a link works, in whole minutes (for the text next to it). */
  get ttlMinutes(): number {
    return Math.max(1, Math.round(this.options.ttlMs / 60_000));
  }

  get enabled(): boolean {
    return Boolean(this.options.baseUrl);
  }

  url(requestId: string, table: TableKind): string | null {
    if (!this.options.baseUrl) return null;
    const payload = Buffer.from(JSON.stringify({ r: requestId, t: table, e: this.options.now().getTime() + this.options.ttlMs })).toString('base64url');
    return `${this.options.baseUrl}/files/${payload}.${this.sign(payload)}`;
  }

  /** The request and table a token grants, or why not. */
  verify(token: string): { ok: true; requestId: string; table: TableKind } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' } {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined || payload.length > 512) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-signature' };
    try {
      const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { r?: unknown; t?: unknown; e?: unknown };
      if (typeof data.r !== 'string' || (data.t !== 'preflight' && data.t !== 'results' && data.t !== 'status') || typeof data.e !== 'number')
        return { ok: false, reason: 'malformed' };
      if (this.options.now().getTime() > data.e) return { ok: false, reason: 'expired' };
      return { ok: true, requestId: data.r, table: data.t };
    } catch {
      return { ok: false, reason: 'malformed' };
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
