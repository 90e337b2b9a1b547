import type { MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../../ports/logger';

/**
 * The request a Graph call is made for, and the logger of that request's work. It travels with the call
 * as an SDK middleware option, so the call observer (graph-client-factory.ts) files the call in that
 * request's record and logs it with the request's id, while the client, its token cache and the
 * throttle controller stay shared by every request (ports/request-directories.ts).
 */
export class GraphCallOwner implements MiddlewareOptions {
  constructor(
    readonly requestId: string,
    readonly logger: Logger,
  ) {}
}
