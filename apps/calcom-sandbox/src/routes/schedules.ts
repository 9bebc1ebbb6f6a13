import type { StoredSchedule } from "../store";
import { sendSuccess } from "../http";
import { SCHEDULES_VERSIONS, type Route } from "./context";

/** `ScheduleOutput_2024_06_11`. */
export const scheduleOutput = (s: StoredSchedule) => ({
  id: s.id,
  ownerId: s.ownerId,
  name: s.name,
  timeZone: s.timeZone,
  availability: s.availability,
  isDefault: s.isDefault,
  overrides: s.overrides,
});

export const scheduleRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^\/v2\/schedules\/?$/,
    versions: SCHEDULES_VERSIONS,
    auth: "required",
    handle: ({ res, user, store }) => sendSuccess(res, [...store.schedules.values()].filter((s) => s.ownerId === user.id).map(scheduleOutput)),
  },
  {
    method: "GET",
    pattern: /^\/v2\/schedules\/default\/?$/,
    versions: SCHEDULES_VERSIONS,
    auth: "required",
    handle({ res, user, store }) {
      const s = user.defaultScheduleId === null ? undefined : store.schedules.get(user.defaultScheduleId);
      sendSuccess(res, s ? scheduleOutput(s) : null);
    },
  },
];
