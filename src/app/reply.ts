import { DomainError } from '../domain/errors';
import { describeError } from './wording';

/**
 * What a chat command's use case answers: done, with the words to post; or refused, with the domain's
 * code (for tests, logs and the tab) and its words from wording.ts. A refusal is never bare text.
 */
export type Reply = { ok: true; text: string } | { ok: false; error: DomainError; text: string };

export const answered = (text: string): Reply => ({ ok: true, text });

export const refusal = (error: DomainError): Reply => ({ ok: false, error, text: describeError(error) });
