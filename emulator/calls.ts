import { CallRecord, TenantState } from './types';

/** Bounded log of calls (tests and the playground inspect it through control.calls()). */
const MAX_CALLS = 5000;

export function recordCall(state: TenantState, call: CallRecord): void {
  state.calls.push(call);
  if (state.calls.length > MAX_CALLS) state.calls.splice(0, state.calls.length - MAX_CALLS);
}
