import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { cardText } from './card-text';
import { waitUntil } from './wait-until';

export interface CapturedActivity {
  op: 'post' | 'reply' | 'update';
  conversationId: string;
  activityId: string;
  replyToId?: string;
  activity: {
    type?: string;
    text?: string;
    attachments?: { contentType: string; content: Record<string, unknown> }[];
    [key: string]: unknown;
  };
  at: number;
  /** The request's headers as received (e.g. `authorization` with the bot's outbound token). */
  headers: http.IncomingHttpHeaders;
}

/** What a person reads in a post: its text, else the texts of the card it carries (the outcome card is posted alone). */
export function wordsOf(posted: CapturedActivity): string {
  return posted.activity.text || cardText(posted.activity.attachments?.[0]?.content ?? null);
}

/**
 * A local stand-in for the Bot Connector service (the serviceUrl of Teams activities): it records
 * every message the bot sends or edits and answers like the connector does. Faults can be queued.
 */
export class ConnectorCapture {
  readonly activities: CapturedActivity[] = [];
  /** Every request received, whatever its path (sends, edits, lookups). */
  requestCount = 0;
  private server: http.Server | null = null;
  private counter = 0;
  private faults: { status: number; times: number; retryAfter?: string; conversationPrefix?: string }[] = [];
  /**
   * The conversation roster the members API answers from (TeamsInfo.getMember): keyed by Entra object
   * id; a lookup of anyone else is a 404, as in Teams for a non-member.
   */
  readonly roster = new Map<string, { id: string; name: string; aadObjectId: string }>();
  /** Member lookups received (Entra object ids or user ids, as asked). */
  readonly memberLookups: string[] = [];
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  /** The next `times` sends answer `status` (e.g. 429). */
  failNext(status: number, times: number, retryAfter?: string, conversationPrefix?: string): void {
    this.faults.push({ status, times, retryAfter, conversationPrefix });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  posts(conversationId?: string): CapturedActivity[] {
    return this.activities.filter((a) => a.op !== 'update' && (!conversationId || a.conversationId === conversationId));
  }

  updates(activityId?: string): CapturedActivity[] {
    return this.activities.filter((a) => a.op === 'update' && (!activityId || a.activityId === activityId));
  }

  /** The words of each post: its text, or for a card posted alone (the outcome card) the card's text blocks, one a line. */
  texts(conversationId?: string): string[] {
    return this.posts(conversationId).map(wordsOf).filter(Boolean);
  }

  /** The latest version of a posted card (after any edits). */
  latestCard(activityId: string): Record<string, unknown> | null {
    const versions = this.activities.filter((a) => a.activityId === activityId && a.activity.attachments?.length);
    const last = versions[versions.length - 1];
    return last?.activity.attachments?.[0]?.content ?? null;
  }

  clear(): void {
    this.activities.length = 0;
  }

  /**
   * The first request card posted (not edited) after the first `after` captured activities, with the
   * request id and version its buttons carry: what a test or benchmark clicks next.
   */
  approvalCardAfter(after: number, timeoutMs: number): Promise<{ requestId: string; version: number; activityId: string }> {
    return waitUntil(
      () => {
        const post = this.activities.slice(after).find((a) => a.op !== 'update' && JSON.stringify(a.activity.attachments ?? []).includes('soa.refresh'));
        const m = post && JSON.stringify(post.activity.attachments).match(/"requestId":"([A-Z0-9-]+)","version":(\d+)/);
        return post && m ? { requestId: m[1], version: Number(m[2]), activityId: post.activityId } : null;
      },
      'an approval card',
      timeoutMs,
    );
  }

  /** The first truthy answer of `probe` (a message the bot sent), polled until `timeoutMs`. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
    return waitUntil(probe, 'the bot to send the expected message', timeoutMs) as Promise<T>;
  }

  // restify patches http.ServerResponse (writeHead no longer returns `this`), so no chaining.
  private reply(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string): void {
    res.writeHead(status, headers);
    res.end(body);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requestCount++;
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const conversation = decodeURIComponent(/\/v3\/conversations\/([^/]+)/.exec(req.url ?? '')?.[1] ?? '');
      const fault = this.faults.find((f) => !f.conversationPrefix || conversation.startsWith(f.conversationPrefix));
      if (fault && req.method !== 'GET') {
        fault.times--;
        if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault.retryAfter) headers['retry-after'] = fault.retryAfter;
        this.reply(res, fault.status, headers, JSON.stringify({ error: { code: 'Throttled', message: 'test fault' } }));
        return;
      }
      const memberMatch = /\/v3\/conversations\/([^/]+)\/members\/([^/?]+)/.exec(req.url ?? '');
      if (memberMatch && req.method === 'GET') {
        const who = decodeURIComponent(memberMatch[2]);
        this.memberLookups.push(who);
        const member = this.roster.get(who.toLowerCase()) ?? [...this.roster.values()].find((m) => m.id === who);
        if (!member)
          this.reply(
            res,
            404,
            { 'content-type': 'application/json' },
            JSON.stringify({ error: { code: 'MemberNotFoundInConversation', message: 'not a member' } }),
          );
        else
          this.reply(
            res,
            200,
            { 'content-type': 'application/json' },
            JSON.stringify({ ...member, objectId: member.aadObjectId, userPrincipalName: null, tenantId: null }),
          );
        return;
      }
      const match = /\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
      if (!match) {
        this.reply(res, 404, { 'content-type': 'application/json' }, '{}');
        return;
      }
      const conversationId = decodeURIComponent(match[1]);
      const pathActivityId = match[2] ? decodeURIComponent(match[2]) : undefined;
      const activity = body ? JSON.parse(body) : {};
      if (req.method === 'PUT' && pathActivityId) {
        this.activities.push({ op: 'update', conversationId, activityId: pathActivityId, activity, at: Date.now(), headers: req.headers });
        this.reply(res, 200, { 'content-type': 'application/json' }, JSON.stringify({ id: pathActivityId }));
        return;
      }
      const id = `act-${++this.counter}`;
      this.activities.push({
        op: pathActivityId ? 'reply' : 'post',
        conversationId,
        activityId: id,
        replyToId: pathActivityId,
        activity,
        at: Date.now(),
        headers: req.headers,
      });
      this.reply(res, 200, { 'content-type': 'application/json' }, JSON.stringify({ id }));
    });
  }
}
