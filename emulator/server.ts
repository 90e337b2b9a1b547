import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { EntraEndpoint } from './auth/entra-endpoint';
import { TokenIssuer } from './auth/token-issuer';
import { recordCall } from './calls';
import { handleControl } from './control-http';
import { mintUserTokenOverHttp } from './auth/user-token-control';
import { faultStatusResponse, takeFault } from './faults';
import { graphError } from './http/graph-errors';
import { runGraphRequest } from './http/graph-pipeline';
import { GraphContext, GraphRequest, GraphResponse } from './http/graph-types';
import { pathSegments, splitUrl, splitVersion } from './http/parse-url';
import { Router } from './http/router';
import { sleep } from './sleep';
import { EmulatorControl } from './emulator-api';
import { ActiveFault, FaultKind, TenantState } from './types';

/** The request listener: control calls, injected faults, fake Entra, and the Graph pipeline. */

const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const MAX_BODY = 4 * 1024 * 1024;

export interface ServerDeps {
  state: TenantState;
  router: Router;
  ctx: GraphContext;
  issuer: TokenIssuer;
  entra: EntraEndpoint;
  control: EmulatorControl;
  log(line: string): void;
}

export function createListener(deps: ServerDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(deps, req, res).catch((err: unknown) => {
      deps.log(`emulator error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'InternalServerError', message: 'Emulator failure.' } }));
      }
    });
  };
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const method = (req.method ?? 'GET').toUpperCase();
  const { path, query } = splitUrl(req.url ?? '/');
  const headerCrid = req.headers['client-request-id'];
  const ids = { requestId: randomUUID(), clientRequestId: (Array.isArray(headerCrid) ? headerCrid[0] : headerCrid) || randomUUID() };
  const raw = await readBody(req);
  const send = (r: GraphResponse, contentType = GRAPH_JSON) => {
    const headers: Record<string, string> = { 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId, ...r.headers };
    if (r.body !== undefined && typeof r.body !== 'string') headers['content-type'] = contentType;
    res.writeHead(r.status, headers);
    res.end(r.body === undefined ? undefined : typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
  };

  if (path === '/_control' || path.startsWith('/_control/')) {
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return send({ status: 400, body: { error: 'invalid JSON' } }, 'application/json');
    }
    if (method === 'POST' && path === '/_control/user-token') {
      return send(mintUserTokenOverHttp(deps.issuer, deps.state, `https://${String(req.headers.host ?? 'localhost')}`, body), 'application/json');
    }
    return send(handleControl(deps.control, deps.state, method, path, body), 'application/json');
  }

  const { version, rest } = splitVersion(path);
  const record = (status: number, fault: FaultKind | null) => {
    recordCall(deps.state, {
      method,
      path: version ? rest : path,
      version,
      query,
      status,
      requestId: ids.requestId,
      clientRequestId: typeof headerCrid === 'string' ? headerCrid : null,
      inBatch: false,
      fault,
      at: new Date(started).toISOString(),
    });
    deps.log(`${method} ${path} -> ${status}${fault ? ` (fault ${fault})` : ''} ${Date.now() - started}ms request-id=${ids.requestId}`);
  };

  // Emulated network latency (limits.latencyMs): half on the way in, half on the way out; a $batch counts once.
  const latencyMs = version ? deps.state.limits.latencyMs : 0;
  if (latencyMs > 0) await sleep(latencyMs / 2);
  const fault = takeFault(deps.state, method, version ? rest : path);
  if (fault && (fault.kind ?? 'status') !== 'delay' && latencyMs > 0) await sleep(latencyMs - latencyMs / 2);
  if (fault) {
    if (fault.delayMs) await sleep(fault.delayMs);
    const kind = fault.kind ?? 'status';
    if (kind === 'apply-then-reset') {
      // The change lands, then the connection dies before the answer: the caller cannot know.
      if (version) await graphRequest(deps, { method, version, rest, query, headers: req.headers, raw, ids });
      record(0, kind);
      res.socket?.destroy();
      return;
    }
    if (kind !== 'delay') return answerFault(fault, kind, ids, res, send, record);
  }

  let response: GraphResponse;
  let contentType = GRAPH_JSON;
  if (version) {
    response = await graphRequest(deps, { method, version, rest, query, headers: req.headers, raw, ids });
    if (latencyMs > 0) await sleep(latencyMs - latencyMs / 2);
  } else {
    const entra = deps.entra.handle(method, path, String(req.headers.host ?? 'localhost'), raw);
    contentType = 'application/json; charset=utf-8';
    response = entra ?? graphError(ids, 404, 'NotFound', `No route for ${method} ${path}.`);
  }
  send(response, contentType);
  record(response.status, fault ? 'delay' : null);
}

function answerFault(
  fault: ActiveFault,
  kind: FaultKind,
  ids: { requestId: string; clientRequestId: string },
  res: ServerResponse,
  send: (r: GraphResponse) => void,
  record: (status: number, fault: FaultKind | null) => void,
): void {
  if (kind === 'reset') {
    record(0, kind);
    res.socket?.destroy();
    return;
  }
  if (kind === 'timeout') {
    // Never answered: the socket is destroyed when the emulator closes.
    record(0, kind);
    return;
  }
  if (kind === 'malformed') {
    send({ status: 200, headers: { 'content-type': GRAPH_JSON }, body: '{"value": [ {"id": "truncated' });
    record(200, kind);
    return;
  }
  const r = faultStatusResponse(ids, fault);
  send(r);
  record(r.status, kind);
}

async function graphRequest(
  deps: ServerDeps,
  input: {
    method: string;
    version: 'v1.0' | 'beta';
    rest: string;
    query: Record<string, string>;
    headers: IncomingMessage['headers'];
    raw: string;
    ids: { requestId: string; clientRequestId: string };
  },
): Promise<GraphResponse> {
  const { ids } = input;
  const auth = String(input.headers.authorization ?? '');
  const bearer = /^Bearer\s+(.+)$/i.exec(auth)?.[1];
  const wwwAuth = {
    'WWW-Authenticate':
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  };
  if (!bearer) return { ...graphError(ids, 401, 'InvalidAuthenticationToken', 'Access token is empty.'), headers: wwwAuth };
  const valid = deps.issuer.validate(bearer, deps.state.tenantId);
  if (!valid.ok) return { ...graphError(ids, 401, 'InvalidAuthenticationToken', valid.message), headers: wwwAuth };

  let body: unknown;
  try {
    body = input.raw ? JSON.parse(input.raw) : undefined;
  } catch {
    return graphError(
      ids,
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
  let segments: string[];
  try {
    segments = pathSegments(input.rest);
  } catch {
    return graphError(ids, 400, 'BadRequest', 'Malformed percent-encoding in the request URL.');
  }
  const headers = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : String(v ?? '')]));
  const request: GraphRequest = {
    method: input.method,
    version: input.version,
    rawPath: input.rest,
    segments,
    query: input.query,
    headers,
    body,
    token: valid.claims,
    inBatch: false,
    ...ids,
  };
  return runGraphRequest(deps.router, request, deps.ctx);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
