import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type AuthenticationProvider,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { CachingTokenCredential } from './caching-token-credential';
import { NodeHttpHandler } from './node-http-handler';
import type { GraphCallRecord } from '../../ports/directory';
import type { GraphCallLog } from '../../ports/graph-call-log';
import type { Logger } from '../../ports/logger';
import { type Clock, systemClock } from '../../ports/clock';
import { authFailureCode, pipelineFailure, transportFailure } from './graph-error-mapper';
import { GraphCallOwner } from './graph-call-owner';

export type GraphApiVersion = 'v1.0' | 'beta';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';

export interface GraphClientOptions {
  credential: TokenCredential;
  /** Default https://graph.microsoft.com; must be https (the SDK only sends tokens over https). */
  baseUrl?: string;
  /** Default 'v1.0'. */
  apiVersion?: GraphApiVersion;
  /**
   * Token scopes. Default: `${origin}/.default` when baseUrl is a Microsoft Graph cloud host
   * (graph.microsoft.com, graph.microsoft.us, ...), else https://graph.microsoft.com/.default
   * (a local stand-in or proxy still serves tokens for the Graph audience).
   */
  scopes?: string[];
  /** Retries of 429/503/504 by the SDK's RetryHandler. Default 3, at most 10. */
  maxRetries?: number;
  /** Delay (seconds) before a retry when the response has no Retry-After. Default 3. */
  retryDelaySeconds?: number;
  /** Cap (seconds) on any single retry delay, Retry-After included. Default 30. */
  maxRetryDelaySeconds?: number;
  /** Timeout of each HTTP attempt (ms), body included. Default 20000. */
  timeoutMs?: number;
  /** Keep-alive sockets per Graph host (NodeHttpHandler). Default 64. */
  maxSockets?: number;
  /** Every HTTP request sent to Graph for a request (each retry attempt is a call) is filed here. */
  callLog?: GraphCallLog;
  /** For calls made outside any request (a call for a request logs through its GraphCallOwner's logger). */
  logger?: Logger;
  /** When each call record says it started. Default: system time. */
  clock?: Clock;
}

export const DEFAULT_TIMEOUT_MS = 20_000;

/** Graph hosts of the national clouds (the SDK's own list); their origin is the token audience. */
const GRAPH_CLOUD_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'graph.microsoft.de',
  'microsoftgraph.chinacloudapi.cn',
  'canary.graph.microsoft.com',
]);

/** Default token scope for a Graph base URL (see GraphClientOptions.scopes). */
export function defaultGraphScope(baseUrl: string): string {
  const url = new URL(baseUrl);
  return GRAPH_CLOUD_HOSTS.has(url.hostname.toLowerCase()) ? `${url.origin}/.default` : `${DEFAULT_GRAPH_BASE_URL}/.default`;
}

/**
 * Bearer tokens from the credential (cached by CachingTokenCredential). Token errors come back tagged so
 * that the directory maps them to GRAPH.AUTH_FAILED. (The SDK's TokenCredentialAuthenticationProvider
 * builds an error object, stack trace included, on every call: measurable at hundreds of calls a second.)
 */
class CredentialAuthProvider implements AuthenticationProvider {
  constructor(
    private readonly credential: TokenCredential,
    private readonly scopes: string[],
  ) {}

  async getAccessToken(): Promise<string> {
    let token: string | undefined;
    try {
      token = (await this.credential.getToken(this.scopes))?.token;
    } catch (err) {
      throw pipelineFailure({ phase: 'auth', code: authFailureCode(err) }, 'Could not get an access token for Graph');
    }
    if (!token) throw pipelineFailure({ phase: 'auth', code: null }, 'Could not get an access token for Graph');
    return token;
  }
}

/**
 * Sits just before the HTTP handler, so it sees every attempt (retries included): arms a
 * per-attempt timeout, records method/path/status/request-id/duration, tags transport failures.
 * A call that carries a GraphCallOwner is filed in that request's record and logged with its logger.
 */
export class CallObserverHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly callLog: GraphCallLog | undefined,
    private readonly logger: Logger | undefined,
    private readonly clock: Clock = systemClock,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('CallObserverHandler has no next middleware');
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const options = context.options ?? (context.options = {});
    const method = (options.method ?? (typeof context.request === 'string' ? 'GET' : context.request.method)).toUpperCase();
    const path = pathOf(url);
    options.signal = AbortSignal.timeout(this.timeoutMs);
    const at = this.clock.now().toISOString();
    const started = performance.now();
    let status: number | null = null;
    let requestId: string | null = null;
    try {
      await this.next.execute(context);
      status = context.response?.status ?? null;
      requestId = context.response?.headers.get('request-id') ?? null;
    } catch (err) {
      throw transportFailure(err, this.timeoutMs);
    } finally {
      const record: GraphCallRecord = { method, path, status, requestId, at, durationMs: Math.round(performance.now() - started) };
      const owner = context.middlewareControl?.getMiddlewareOptions(GraphCallOwner) as GraphCallOwner | undefined;
      const logger = owner?.logger ?? this.logger;
      logger?.debug({ graph: record }, 'graph call');
      if (owner) this.file(owner.requestId, record, logger);
    }
  }

  private file(requestId: string, record: GraphCallRecord, logger: Logger | undefined): void {
    try {
      this.callLog?.record(requestId, record);
    } catch {
      logger?.warn({ path: record.path }, 'graph call recorder failed');
    }
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0];
  }
}

/** Limits enforced by RetryHandlerOptions' constructor (private statics in the SDK). */
const SDK_MAX_RETRIES = 10;
const SDK_MAX_DELAY_SECONDS = 180;

/** RetryHandlerOptions whose delay cap is ours (the SDK's getMaxDelay is a fixed 180 s). */
export function retryOptions(maxRetries: number, delaySeconds: number, maxDelaySeconds: number): RetryHandlerOptions {
  const clampedRetries = Math.max(0, Math.min(SDK_MAX_RETRIES, Math.floor(maxRetries)));
  const cap = Math.max(0, Math.min(SDK_MAX_DELAY_SECONDS, maxDelaySeconds));
  const opts = new RetryHandlerOptions(Math.max(0, Math.min(cap, delaySeconds)), clampedRetries);
  // Own property: the RetryHandler copies its options with Object.assign, which keeps it.
  Object.defineProperty(opts, 'getMaxDelay', { value: () => cap, enumerable: true, writable: true });
  return opts;
}

/** Builds a Graph client with an explicit middleware chain (auth, retry, redirect, telemetry, observer, HTTP). */
export function createGraphClient(options: GraphClientOptions): Client {
  const baseUrl = (options.baseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
  const parsed = new URL(baseUrl);
  if (parsed.protocol !== 'https:') throw new Error('Graph baseUrl must be https');
  const scopes = options.scopes ?? [defaultGraphScope(baseUrl)];
  const auth = new CredentialAuthProvider(new CachingTokenCredential(options.credential), scopes);
  const chain: Middleware[] = [
    new AuthenticationHandler(auth),
    new RetryHandler(retryOptions(options.maxRetries ?? 3, options.retryDelaySeconds ?? 3, options.maxRetryDelaySeconds ?? 30)),
    new RedirectHandler(new RedirectHandlerOptions()),
    new TelemetryHandler(),
    new CallObserverHandler(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.callLog, options.logger, options.clock),
    new NodeHttpHandler({ maxSockets: options.maxSockets }),
  ];
  const host = parsed.hostname.toLowerCase();
  const customHosts = GRAPH_CLOUD_HOSTS.has(host) ? undefined : new Set([host]);
  return Client.initWithMiddleware({
    middleware: chain,
    baseUrl,
    defaultVersion: options.apiVersion ?? 'v1.0',
    ...(customHosts ? { customHosts } : {}),
  });
}
