import restify from 'restify';
import type { ListFilters, TabService } from '../../app/tab/tab-service';
import type { Reply } from '../../app/reply';
import { ErrorCode, isDirectoryFailure } from '../../domain/errors';
import { Logger } from '../../ports/logger';
import { TabIdentity, UserTokenVerifier } from '../../ports/user-token-verifier';
import { readJsonBody } from './read-json-body';

export interface TabApiOptions {
  service: TabService;
  verifier: UserTokenVerifier;
  /** Per-person throttle (UserRateLimiter): 'allow', or over the limit. */
  limiter: { take(key: string): 'allow' | 'warn' | 'drop'; secondsLeft(key: string): number };
  maxBodyBytes: number;
  logger: Logger;
}

/**
 * Preflight and new-request bodies carry a list of users (up to the admin limit, 10,000 UPNs or a CSV of
 * them): larger than other bodies, still bounded.
 */
const LIST_BODY_BYTES = 2 * 1024 * 1024;

/** The tab routes that take a JSON body (POST); the server refuses a body anywhere else unread. */
export const TAB_BODY_ROUTE = /^\/api\/tab\/(requests|preflight|requests\/[^/]+\/(decision|safeguard)|delegations\/[^/]+\/end)$/;

const FILTER_KEYS = ['mine', 'state', 'kind', 'from', 'to', 'requester', 'approver', 'upn', 'sort', 'cursor', 'limit'] as const;

/** Every answer of the API, refusals included: not sniffed, not cached, not framed, no content but JSON/CSV. */
const API_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/**
 * The personal tab's JSON API on the bot's own server. Transport only: the bearer token (Authorization
 * header only, never the URL) is validated on every call (401 with no detail on any failure), the
 * person is throttled by their oid (429), and the use case's answer becomes the response. Tokens are
 * never logged; each call is logged with its route, status and the person's oid.
 */
export function registerTabApi(server: restify.Server, options: TabApiOptions): void {
  const { service, logger } = options;

  const route =
    (name: string, run: (identity: TabIdentity, req: restify.Request, res: restify.Response) => Promise<number>) =>
    async (req: restify.Request, res: restify.Response) => {
      for (const [key, value] of Object.entries(API_HEADERS)) res.setHeader(key, value);
      let status = 500;
      let actorId: string | null = null;
      try {
        const identity = await authenticate(options.verifier, req.headers.authorization);
        if (!identity) {
          status = 401;
          res.setHeader('www-authenticate', 'Bearer');
          res.send(401, { error: 'unauthorized' });
          return;
        }
        actorId = identity.oid;
        if (options.limiter.take(`tab:${identity.oid}`) !== 'allow') {
          status = 429;
          res.setHeader('retry-after', String(options.limiter.secondsLeft(`tab:${identity.oid}`)));
          res.send(429, { error: 'too many requests' });
          return;
        }
        status = await run(identity, req, res);
      } catch (error) {
        logger.error({ route: name, err: error instanceof Error ? error.message.slice(0, 200) : 'unknown' }, 'tab API call failed');
        if (!res.headersSent) res.send(500, { error: 'internal error' });
        else res.destroy();
      } finally {
        logger.info({ route: name, status, actorId, httpRequestId: req.getId() }, 'tab API call');
      }
    };

  server.get(
    '/api/tab/me',
    route('me', async (identity, _req, res) => answer(res, await service.me(identity))),
  );
  server.get(
    '/api/tab/waiting',
    route('waiting', async (identity, _req, res) => answer(res, await service.waiting(identity))),
  );
  server.get(
    '/api/tab/requests',
    route('list', async (identity, req, res) => answer(res, await service.list(identity, filtersOf(req)))),
  );
  server.get(
    '/api/tab/requests/:id',
    route('detail', async (identity, req, res) => answer(res, await service.detail(identity, paramId(req), targetPageOf(req)))),
  );
  server.get(
    '/api/tab/progress',
    route('progress', async (identity, _req, res) => answer(res, await service.progress(identity))),
  );
  /** A JSON body within `limit` bytes, or the refusal already sent (its status returned). */
  const withBody =
    (limit: number, run: (identity: TabIdentity, body: unknown, req: restify.Request, res: restify.Response) => Promise<number>) =>
    async (identity: TabIdentity, req: restify.Request, res: restify.Response) => {
      const body = await readJsonBody(req, limit);
      if (!body.ok) {
        res.setHeader('connection', 'close');
        res.send(body.status, { error: body.reason });
        return body.status;
      }
      return run(identity, body.value, req, res);
    };
  server.post(
    '/api/tab/requests/:id/decision',
    route(
      'decide',
      withBody(Math.min(options.maxBodyBytes, 16_384), async (identity, body, req, res) => answer(res, await service.decide(identity, paramId(req), body))),
    ),
  );
  server.post(
    '/api/tab/preflight',
    route(
      'preflight',
      withBody(LIST_BODY_BYTES, async (identity, body, _req, res) => answer(res, await service.preflight(identity, body))),
    ),
  );
  server.post(
    '/api/tab/requests',
    route(
      'new-request',
      withBody(LIST_BODY_BYTES, async (identity, body, _req, res) => {
        const result = await service.newRequest(identity, body);
        // 201 for a request this call made; 200 for the one an earlier call with the same key (or the same ask) made.
        return answer(res, result, result.ok && result.value.created ? 201 : 200);
      }),
    ),
  );
  server.post(
    '/api/tab/requests/:id/safeguard',
    route('safeguard', async (identity, req, res) => {
      const body = await readJsonBody(req, Math.min(options.maxBodyBytes, 1024));
      if (!body.ok) {
        res.setHeader('connection', 'close');
        res.send(body.status, { error: body.reason });
        return body.status;
      }
      // The already validated token, for the on-behalf-of exchange (switch-safeguard.ts); never logged.
      return answer(res, await service.switchSafeguard(identity, paramId(req), body.value, bearerOf(req.headers.authorization)!));
    }),
  );
  server.get(
    '/api/tab/delegations',
    route('delegations', async (identity, _req, res) => answer(res, await service.delegations(identity))),
  );
  server.post(
    '/api/tab/delegations/:id/end',
    route('end-delegation', async (identity, req, res) => {
      // The call needs no body; one that is sent is read (small, JSON) and ignored, like any other route's.
      if (hasBody(req)) {
        const body = await readJsonBody(req, Math.min(options.maxBodyBytes, 1024));
        if (!body.ok) {
          res.setHeader('connection', 'close');
          res.send(body.status, { error: body.reason });
          return body.status;
        }
      }
      return answer(res, await service.endDelegation(identity, paramId(req)));
    }),
  );
  for (const format of ['csv', 'json'] as const) {
    server.get(
      `/api/tab/export.${format}`,
      route(`export-${format}`, async (identity, req, res) => {
        const result = await service.export(identity, filtersOf(req), format);
        if (!result.ok) return answer(res, result);
        res.writeHead(200, {
          'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="soa-requests.${format}"`,
        });
        for await (const chunk of result.value) {
          if (res.destroyed) break;
          if (!res.write(chunk)) await drainedOrClosed(res);
        }
        res.end();
        return 200;
      }),
    );
  }
}

/** Resolves when the response can take more, or is gone; leaves no listener behind (one wait per chunk of a long export). */
function drainedOrClosed(res: restify.Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** A body is declared (a length above zero, or chunked); fetch() with no body sends neither. */
function hasBody(req: restify.Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

async function authenticate(verifier: UserTokenVerifier, header: string | undefined): Promise<TabIdentity | null> {
  const token = bearerOf(header);
  return token ? verifier.verify(token) : null;
}

function bearerOf(header: string | undefined): string | null {
  return /^Bearer ([A-Za-z0-9_.~+/=-]+)$/.exec(header ?? '')?.[1] ?? null;
}

function answer<T>(res: restify.Response, result: Reply<T>, okStatus = 200): number {
  if (result.ok) {
    res.send(okStatus, result.value);
    return okStatus;
  }
  const status = httpStatusOf(result.error.code);
  res.send(status, { error: result.error.code, message: result.text, ...(result.data ? { detail: result.data } : {}) });
  return status;
}

/** The HTTP status of each refusal the tab's use cases answer with; any other refusal is a conflict with the request's state (409). */
const STATUS_OF: Partial<Record<ErrorCode, 400 | 403 | 404>> = {
  'TAB.BAD_BODY': 400,
  'TAB.BAD_QUERY': 400,
  'COMMAND.TOO_MANY_UPNS': 400,
  // The one rule of every decision path (approval-policy.ts): a rejection says why.
  'DECISION.COMMENT_REQUIRED': 400,
  'TAB.NO_ROLE': 403,
  'REQUESTER.NOT_ALLOWED': 403,
  'APPROVER.NOT_ALLOWED': 403,
  'APPROVER.NOT_THIS_STAGE': 403,
  'APPROVER.SELF_APPROVAL': 403,
  'ADMIN.ONLY': 403,
  'SAFEGUARD.NOT_GLOBAL_ADMIN': 403,
  'SAFEGUARD.SIGN_IN_FAILED': 403,
  'REQUEST.NOT_VISIBLE': 404,
  'REQUEST.NOT_FOUND': 404,
  'GROUP.NOT_FOUND': 404,
  'DELEGATION.NONE': 404,
};

/** 503 when the directory failed (ask again later), else the refusal's own status. */
export function httpStatusOf(code: ErrorCode): number {
  if (isDirectoryFailure(code)) return 503;
  return STATUS_OF[code] ?? 409;
}

/** targetsCursor and targetsLimit of a detail, each at most 20 characters (checked by the use case). */
function targetPageOf(req: restify.Request): { targetsCursor?: string; targetsLimit?: string } {
  const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const page: { targetsCursor?: string; targetsLimit?: string } = {};
  for (const key of ['targetsCursor', 'targetsLimit'] as const) {
    const value = params.get(key);
    if (value !== null && value !== '') page[key] = value.slice(0, 20);
  }
  return page;
}

function paramId(req: restify.Request): string {
  return String((req.params as { id?: string }).id ?? '').slice(0, 100);
}

/** The known filters, first value of each, each at most 400 characters; anything else is ignored. */
function filtersOf(req: restify.Request): ListFilters {
  const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const filters: ListFilters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value !== null && value !== '') filters[key] = value.slice(0, 400);
  }
  return filters;
}
