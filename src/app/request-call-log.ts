import { GraphCallLog } from '../ports/graph-call-log';
import { RequestStore } from '../ports/request-store';

/** Every Graph call made for a request goes into that request's durable record, as a `graph.call` event. */
export function requestRecordCallLog(requests: RequestStore): GraphCallLog {
  return {
    record(requestId, call) {
      void requests
        .appendEvents([
          {
            requestId,
            at: call.at,
            type: 'graph.call',
            data: { method: call.method, path: call.path, status: call.status, graphRequestId: call.requestId, durationMs: call.durationMs },
          },
        ])
        .catch(() => undefined);
    },
  };
}
