import { renderHelpText } from '../cards/help-text';
import { AppDeps } from './app-deps';
import { Reply, answered } from './reply';

/** `help`: the commands, with this deployment's approval count and request lifetime. */
export function helpReply(deps: Pick<AppDeps, 'settings'>): Reply {
  return answered(renderHelpText({ approvalsRequired: deps.settings.approvalsRequired, ttlHours: Math.round(deps.settings.approvalTtlMs / 36e5) }));
}
