import { ResponseType, type Client, type GraphRequest } from '@microsoft/microsoft-graph-client';
import { DirectoryError } from '../../ports/directory';
import type { Logger } from '../../ports/logger';
import type { GraphApiVersion } from './graph-client-factory';
import { type Json, str, toIsCloudManaged } from './graph-body';
import { malformedBody, mapErrorResponse, mapThrownError, transportFailure, type GraphOperation } from './graph-error-mapper';
import type { GraphCallOwner } from './graph-call-owner';

export interface RawResult {
  status: number;
  requestId: string | null;
  text: string;
}

export interface GraphSenderSettings {
  version: GraphApiVersion;
  /** Graph base URL: `@odata.nextLink`s must stay on its origin (without it: any https link). */
  baseUrl?: string;
  /** Pages a list follows at most before it fails (see listAll). */
  maxListPages: number;
  logger?: Logger;
  /** Paces and counts each call (the bulk directory's throttle controller); none: sent as they come. */
  meter?: SendMeter;
}

/** Paces calls (`begin` waits while sends are paused) and hears how each ended (`response` null: no answer). */
export interface SendMeter {
  begin(): Promise<number>;
  end(ticket: number, response: Response | null): void;
}

/** One item of a list, with the answer of the page it came in. */
export type ListItem = { item: Json; res: RawResult };

/**
 * How the directory's single calls go out: one request at a time in RAW mode, filed in the record of the
 * request that owns it (when there is one), logged without bodies, and any failure mapped to a
 * DirectoryError; collections are followed page by page, on the Graph origin only.
 */
export class GraphSender {
  readonly version: GraphApiVersion;
  readonly logger: Logger | undefined;
  private readonly baseOrigin: string | null;
  private readonly maxListPages: number;
  private readonly meter: SendMeter | undefined;

  constructor(
    readonly client: Client,
    settings: GraphSenderSettings,
    private readonly owner: GraphCallOwner | null,
  ) {
    this.version = settings.version;
    this.baseOrigin = settings.baseUrl ? new URL(settings.baseUrl).origin : null;
    this.maxListPages = settings.maxListPages;
    this.meter = settings.meter;
    this.logger = owner?.logger ?? settings.logger;
  }

  /** Sends one request; returns 2xx (and the statuses in `allow`), throws a DirectoryError otherwise. */
  async send(
    op: GraphOperation,
    request: GraphRequest,
    method: 'GET' | 'PATCH' | 'POST',
    body?: unknown,
    allow: number[] = [],
    version: GraphApiVersion = this.version,
  ): Promise<RawResult> {
    const ticket = (await this.meter?.begin()) ?? 0;
    const started = performance.now();
    let response: Response;
    try {
      const raw = request.version(version).responseType(ResponseType.RAW);
      if (this.owner) raw.middlewareOptions([this.owner]);
      response = (await (method === 'GET' ? raw.get() : method === 'PATCH' ? raw.patch(body) : raw.post(body))) as Response;
    } catch (err) {
      this.meter?.end(ticket, null);
      const mapped = mapThrownError(op, err);
      this.logger?.debug({ op, code: mapped.code, graphCode: mapped.details.graphCode ?? null }, 'graph operation failed');
      throw mapped;
    }
    const requestId = response.headers.get('request-id');
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      this.meter?.end(ticket, null);
      throw mapThrownError(op, transportFailure(err, 0), requestId);
    }
    this.meter?.end(ticket, response);
    const durationMs = Math.round(performance.now() - started);
    this.logger?.debug({ op, status: response.status, requestId, durationMs }, 'graph operation');
    if (response.ok || allow.includes(response.status)) return { status: response.status, requestId, text };
    throw mapErrorResponse(op, response.status, text, requestId);
  }

  /** The answer's JSON object; anything else is a malformed answer. */
  json(op: GraphOperation, res: RawResult): Json {
    try {
      const parsed: unknown = JSON.parse(res.text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Json;
    } catch {
      // fall through
    }
    throw malformedBody(op, res.status, res.requestId);
  }

  isCloudManagedOf(op: GraphOperation, res: RawResult): boolean {
    return toIsCloudManaged(this.json(op, res), { op, ...res });
  }

  /**
   * Every item of a collection, following `@odata.nextLink` on the Graph origin for at most `maxPages`
   * pages (default maxListPages); a further page fails closed (GRAPH.UNKNOWN) instead of truncating.
   * `enough` sees each page's items as they come; when it says true, no further page is read.
   */
  async listAll(op: GraphOperation, first: GraphRequest, options: { maxPages?: number; enough?: (page: ListItem[]) => boolean } = {}): Promise<ListItem[]> {
    const maxPages = options.maxPages ?? this.maxListPages;
    const items: ListItem[] = [];
    let req = first;
    for (let page = 0; ; page++) {
      const res = await this.send(op, req, 'GET');
      const body = this.json(op, res);
      if (!Array.isArray(body.value)) throw malformedBody(op, res.status, res.requestId);
      const read: ListItem[] = [];
      for (const item of body.value as unknown[]) {
        if (!item || typeof item !== 'object' || Array.isArray(item)) throw malformedBody(op, res.status, res.requestId);
        read.push({ item: item as Json, res });
      }
      items.push(...read);
      const next = str(body['@odata.nextLink']);
      const enough = options.enough?.(read) ?? false; // sees every page, the last one too
      if (!next || enough) return items;
      if (!this.sameOrigin(next)) throw malformedBody(op, res.status, res.requestId);
      if (page + 1 >= maxPages) {
        throw new DirectoryError('GRAPH.UNKNOWN', `Graph ${op}: more than ${maxPages} pages; the list was not read to the end`, {
          status: res.status,
          graphCode: null,
          requestId: res.requestId,
        });
      }
      req = this.client.api(next);
    }
  }

  /** Whether a next link stays on the Graph origin (a link elsewhere would carry the token there). */
  sameOrigin(link: string): boolean {
    try {
      const origin = new URL(link).origin;
      return this.baseOrigin === null ? origin.startsWith('https://') : origin === this.baseOrigin;
    } catch {
      return false;
    }
  }
}
