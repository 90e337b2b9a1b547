export interface Ids {
  /** Short, human-typable request id (used in `approve <id>`). */
  requestId(): string;
  /** Opaque unique id (correlation ids, job ids). */
  uuid(): string;
}
