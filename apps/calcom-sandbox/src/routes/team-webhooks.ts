import { sendSuccess } from "../http";
import type { SandboxStore, SandboxUser, StoredEventType, StoredWebhook } from "../store";
import { isTeamAdmin, type StoredTeam } from "../teams";
import { bodyObject, HttpError, type Route } from "./context";
import { patchWebhook, stringOrNull } from "./webhooks";

// A team event type's webhooks, as Cal.com has them (calcom/cal.com, newest stored versions):
// - apps/api/v2/src/modules/teams/event-types/controllers/teams-event-types-webhooks.controller.ts
//   @ 01da14b2362dda8745d7eab118877de48ee5f411: /v2/teams/{teamId}/event-types/{eventTypeId}/webhooks, create/update/
//   delete need Roles("TEAM_ADMIN"), reads Roles("TEAM_MEMBER"); the list takes skip/take (250 at most).
// - apps/api/v2/src/modules/webhooks/guards/is-team-event-type-webhook-guard.ts @ 062d483b8c1d78ed6eefee3947aa1ec2fc6442e3:
//   every route needs the caller to be an admin or owner of the team (403), the event type to be the team's (404), a
//   webhook to exist (404) and to be that event type's (403).
// - apps/api/v2/src/modules/webhooks/services/team-event-type-webhooks.service.ts @ 4de462c18cfa56f3bf250a8d714385da7cc80339:
//   a second webhook with the same subscriber URL on the event type is a 409.
// The user-level route (/v2/event-types/{id}/webhooks, IsUserEventTypeWebhookGuard) refuses a team event type: its
// guard wants the event type's userId to be the caller's, and a team's has none. The sandbox does not serve it.
// Deliveries: webhook-delivery.ts fires an event type's webhooks for its bookings, team or not, as getWebhooks does.

const output = (w: StoredWebhook) => ({
  id: w.id,
  eventTypeId: w.eventTypeId,
  subscriberUrl: w.subscriberUrl,
  active: w.active,
  triggers: w.triggers,
  payloadTemplate: w.payloadTemplate,
  ...(w.secret ? { secret: w.secret } : {}),
});


/** IsTeamEventTypeWebhookGuard: the team (caller an admin or owner), its event type, and the webhook when one is named. */
function guard(store: SandboxStore, user: SandboxUser, params: string[]): { team: StoredTeam; et: StoredEventType; hook?: StoredWebhook } {
  const [teamId = "", eventTypeId = "", webhookId] = params;
  const team = store.teams.get(Number(teamId));
  if (!team || !isTeamAdmin(team, user.id)) throw new HttpError(403, `IsTeamEventTypeWebhookGuard - User (${user.id}) is not an admin/owner of team (${teamId})`);
  const et = store.eventTypes.get(Number(eventTypeId));
  if (!et || et.teamId !== team.id) throw new HttpError(404, `IsTeamEventTypeWebhookGuard - Event type (${eventTypeId}) not found for team (${teamId})`);
  if (webhookId === undefined) return { team, et };
  const hook = store.webhooks.get(Number(webhookId));
  if (!hook) throw new HttpError(404, `IsTeamEventTypeWebhookGuard - Webhook (${webhookId}) not found`);
  if (hook.eventTypeId === undefined) throw new HttpError(400, `IsTeamEventTypeWebhookGuard - Webhook (${webhookId}) no event type`);
  if (hook.eventTypeId !== et.id) throw new HttpError(403, "IsTeamEventTypeWebhookGuard - Webhook mismatch with event type");
  return { team, et, hook };
}

const BASE = String.raw`^\/v2\/teams\/(\d+)\/event-types\/(\d+)\/webhooks`;
const LIST = new RegExp(`${BASE}\\/?$`);
const ONE = new RegExp(`${BASE}\\/(\\d+)\\/?$`);

function found(hook: StoredWebhook | undefined): StoredWebhook {
  if (!hook) throw new HttpError(404, "Webhook not found");
  return hook;
}

export const teamWebhookRoutes: Route[] = [
  {
    method: "POST",
    pattern: LIST,
    auth: "required",
    handle({ res, params, body, user, store }) {
      const { et } = guard(store, user, params);
      const b = bodyObject(body) ?? {};
      if (typeof b.subscriberUrl !== "string" || typeof b.active !== "boolean" || !Array.isArray(b.triggers)) {
        throw new HttpError(400, "subscriberUrl (string), active (boolean) and triggers (array) are required");
      }
      if ([...store.webhooks.values()].some((w) => w.eventTypeId === et.id && w.subscriberUrl === b.subscriberUrl)) {
        throw new HttpError(409, "Webhook with this subscriber url already exists for this event type");
      }
      const w: StoredWebhook = { id: store.newWebhookId(), userId: null, eventTypeId: et.id, subscriberUrl: b.subscriberUrl, active: b.active, triggers: b.triggers.map(String), payloadTemplate: stringOrNull(b.payloadTemplate), secret: stringOrNull(b.secret) };
      store.webhooks.set(w.id, w);
      sendSuccess(res, output(w), 201);
    },
  },
  {
    method: "GET",
    pattern: LIST,
    auth: "required",
    handle({ res, url, params, user, store }) {
      const { et } = guard(store, user, params);
      const take = Math.min(250, Math.max(1, Number(url.searchParams.get("take") ?? 250)));
      const skip = Math.max(0, Number(url.searchParams.get("skip") ?? 0));
      sendSuccess(res, [...store.webhooks.values()].filter((w) => w.eventTypeId === et.id).slice(skip, skip + take).map(output));
    },
  },
  {
    method: "GET",
    pattern: ONE,
    auth: "required",
    handle: ({ res, params, user, store }) => sendSuccess(res, output(found(guard(store, user, params).hook))),
  },
  {
    method: "PATCH",
    pattern: ONE,
    auth: "required",
    handle({ res, params, body, user, store }) {
      const w = found(guard(store, user, params).hook);
      patchWebhook(w, body);
      sendSuccess(res, output(w));
    },
  },
  {
    method: "DELETE",
    pattern: ONE,
    auth: "required",
    handle({ res, params, user, store }) {
      const w = found(guard(store, user, params).hook);
      store.webhooks.delete(w.id);
      sendSuccess(res, output(w));
    },
  },
];
