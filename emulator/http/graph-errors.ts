import { GraphRequest, GraphResponse } from './graph-types';

/** Ids that go into every error envelope's innerError. */
export interface RequestIds {
  requestId: string;
  clientRequestId: string;
}

/** Graph's error envelope (docs/soa-and-graph.md §3). Every 429 and 503 carries Retry-After. */
export function graphError(ids: RequestIds, status: number, code: string, message: string, options: { retryAfter?: string | number } = {}): GraphResponse {
  const headers: Record<string, string> = {};
  if (status === 429 || status === 503 || options.retryAfter !== undefined) {
    headers['Retry-After'] = String(options.retryAfter ?? 1);
  }
  return {
    status,
    headers,
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
          'request-id': ids.requestId,
          'client-request-id': ids.clientRequestId,
        },
      },
    },
  };
}

export const DEFAULT_CODE_BY_STATUS: Record<number, string> = {
  400: 'Request_BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'Authorization_RequestDenied',
  404: 'Request_ResourceNotFound',
  409: 'Request_MultipleObjectsWithSameKeyValue',
  424: 'FailedDependency',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export const DEFAULT_MESSAGE_BY_STATUS: Record<number, string> = {
  400: 'Invalid request.',
  401: 'Access token validation failure.',
  403: 'Insufficient privileges to complete the operation.',
  404: 'Resource not found.',
  429: 'Too many requests. Please try again later.',
  500: 'An internal server error occurred.',
  503: 'The service is temporarily unavailable. Please retry later.',
  504: 'The operation timed out.',
};

export function notFound(req: GraphRequest, id: string): GraphResponse {
  return graphError(req, 404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
}

export function badRequest(req: GraphRequest, message: string, code = 'Request_BadRequest'): GraphResponse {
  return graphError(req, 400, code, message);
}

export const INSUFFICIENT_PRIVILEGES = 'Insufficient privileges to complete the operation.';
export const SYNCED_OBJECT_READ_ONLY =
  'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.';
