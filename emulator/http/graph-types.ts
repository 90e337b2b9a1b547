import { TenantState } from '../types';
import { ResourceThrottle } from '../throttle/resource-throttle';
import { AuditThrottle } from '../throttle/audit-throttle';

/** Claims of an access token issued by the fake Entra endpoint. */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  roles: string[];
  exp: number;
  iat: number;
  [claim: string]: unknown;
}

/** One Graph request, from HTTP or from inside a $batch, in transport-neutral form. */
export interface GraphRequest {
  method: string;
  version: 'v1.0' | 'beta';
  /** Path after the version, as sent (still percent-encoded), without query. */
  rawPath: string;
  /** Decoded path segments; the key form users('x') becomes ['users', 'x']. */
  segments: string[];
  /** Decoded query parameters; keys keep their '$' (e.g. '$select'). */
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: unknown;
  requestId: string;
  clientRequestId: string;
  token: AccessTokenClaims;
  inBatch: boolean;
}

export interface GraphResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Everything a route handler may use. */
export interface GraphContext {
  state: TenantState;
  appDisplayName: string;
  /** Charges every request while `state.limits.throttle` is set. */
  resourceThrottle: ResourceThrottle;
  auditThrottle: AuditThrottle;
  /** Runs one request through the whole Graph pipeline (used by $batch). */
  dispatch(req: GraphRequest): Promise<GraphResponse>;
}

export type RouteHandler = (req: GraphRequest, params: Record<string, string>, ctx: GraphContext) => GraphResponse | Promise<GraphResponse>;

export interface RouteDefinition {
  method: string;
  /** e.g. '/users/:id/onPremisesSyncBehavior' (matched case-insensitively on literal segments). */
  pattern: string;
  /** The token needs at least one of these roles. Empty: any valid token. */
  anyOfRoles: string[];
  /** Resource-unit cost (docs/soa-and-graph.md §7) before the $select discount. */
  cost: number;
  write?: boolean;
  handler: RouteHandler;
}
