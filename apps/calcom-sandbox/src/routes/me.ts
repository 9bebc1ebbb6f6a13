import type { SandboxUser } from "../store";

/** `GET /v2/me` (MeOutput). */
export function meOutput(user: SandboxUser) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    name: user.name,
    timeFormat: user.timeFormat,
    defaultScheduleId: user.defaultScheduleId,
    weekStart: user.weekStart,
    timeZone: user.timeZone,
    organizationId: null,
  };
}
