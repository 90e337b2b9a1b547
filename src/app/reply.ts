import { DomainError } from '../domain/errors';
import { describeError } from './wording';

/**
 * What every use case a person calls (chat command, card action, tab) answers: done, with its value and
 * the words to show (null when there is nothing to say, e.g. the card is the answer); or refused, with
 * the domain's code (for tests, logs and the tab's HTTP status, which the HTTP adapter derives from the
 * code) and its words from app/wording/. A refusal is never bare text. `data` carries facts an API client
 * may list beside the words (the blocked targets of a refused request, the candidates of an ambiguous
 * group name): never secrets.
 */
export type Reply<T = void> = { ok: true; value: T; text: string | null } | { ok: false; error: DomainError; text: string; data?: Record<string, unknown> };

/** Done, with words and nothing else to hand back (chat commands). */
export const answered = (text: string): Reply => ({ ok: true, value: undefined, text });

/** Done, with a value and, when there is something to say, its words. */
export const done = <T>(value: T, text: string | null = null): Reply<T> => ({ ok: true, value, text });

/** Refused: the code's words from app/wording/, unless the use case adds to them (e.g. the blocked targets above the sentence). */
export const refusal = <T = never>(error: DomainError, options: { text?: string; data?: Record<string, unknown> } = {}): Reply<T> => ({
  ok: false,
  error,
  text: options.text ?? describeError(error),
  ...(options.data ? { data: options.data } : {}),
});
