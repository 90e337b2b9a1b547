/**
 * Every sentence a user reads, in one folder: refusals and failures by error code (describe-error.ts),
 * and what the bot says when something happened (say.ts).
 */
export { describeError } from './describe-error';
export { blockerText, say } from './say';
