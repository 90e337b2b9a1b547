import { GraphCallRecord } from './directory';

/**
 * Where the Graph calls made for a request are filed: that request's durable record (the evidence of
 * what the bot asked Graph and what Graph answered). Calls made outside any request are not filed.
 * Never throws and is not awaited: a record that cannot be written must not fail the call it records.
 */
export interface GraphCallLog {
  record(requestId: string, call: GraphCallRecord): void;
}
