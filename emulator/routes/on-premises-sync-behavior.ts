import { badRequest } from '../http/graph-errors';
import { GraphContext, GraphRequest, GraphResponse } from '../http/graph-types';
import { SoaObject, SoaObjectType, switchSoa } from '../state/soa-state-machine';

/**
 * Shared handlers for /users/{id}/onPremisesSyncBehavior and /groups/{id}/onPremisesSyncBehavior.
 * The callers resolve the object; these apply docs/soa-and-graph.md §2's read and switch, with the configurable shapes.
 */

export function getSyncBehavior(req: GraphRequest, ctx: GraphContext, obj: SoaObject, entitySet: string): GraphResponse {
  const select = req.query['$select'];
  if (select !== undefined && select.trim() !== '') {
    const unknown = select
      .split(',')
      .map((s) => s.trim())
      .find((s) => s && s.toLowerCase() !== 'iscloudmanaged');
    if (unknown) {
      return badRequest(req, `Could not find a property named '${unknown}' on type 'microsoft.graph.onPremisesSyncBehavior'.`, 'BadRequest');
    }
  }
  const context = `https://graph.microsoft.com/${req.version}/$metadata#${entitySet}('${obj.id}')/onPremisesSyncBehavior${select ? '(isCloudManaged)' : ''}/$entity`;
  const value = { isCloudManaged: obj.isCloudManaged };
  if (ctx.state.behaviour.wrapSoaInValue) return { status: 200, body: { '@odata.context': context, value } };
  return { status: 200, body: { '@odata.context': context, ...value } };
}

export function patchSyncBehavior(req: GraphRequest, ctx: GraphContext, obj: SoaObject, type: SoaObjectType, entitySet: string): GraphResponse {
  const body = req.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return badRequest(req, 'Empty Payload. JSON content expected.', 'BadRequest');
  }
  const extraKey = Object.keys(body).find((k) => k !== 'isCloudManaged' && !k.startsWith('@odata.'));
  if (extraKey) {
    return badRequest(req, `Invalid property '${extraKey}' on type 'microsoft.graph.onPremisesSyncBehavior'.`, 'BadRequest');
  }
  if (typeof body.isCloudManaged !== 'boolean') {
    return badRequest(req, "Invalid value for property 'isCloudManaged': a boolean is required.", 'BadRequest');
  }
  const outcome = switchSoa(ctx.state, obj, type, body.isCloudManaged, {
    appId: req.token.appid,
    displayName: String(req.token.app_displayname ?? ctx.appDisplayName),
  });
  if (outcome.kind === 'rejected') return badRequest(req, outcome.message);
  if (ctx.state.behaviour.soaPatchStatus === 200) {
    return {
      status: 200,
      body: {
        '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#${entitySet}('${obj.id}')/onPremisesSyncBehavior/$entity`,
        isCloudManaged: obj.isCloudManaged,
      },
    };
  }
  return { status: 204 };
}
