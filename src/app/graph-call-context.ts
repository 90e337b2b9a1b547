import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which request a Graph call belongs to, so every call can be filed in that request's durable
 * record without threading an id through the Directory port.
 */
const storage = new AsyncLocalStorage<{ requestId: string }>();

export function withRequestContext<T>(requestId: string, fn: () => Promise<T>): Promise<T> {
  return storage.run({ requestId }, fn);
}

export function currentRequestId(): string | null {
  return storage.getStore()?.requestId ?? null;
}
