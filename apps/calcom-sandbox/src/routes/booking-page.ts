import type { ServerResponse } from "node:http";
import { HttpError, type Route } from "./context";

/**
 * The web app's public booking page, `/<username>/<event slug>` on the sandbox's own origin (calcom/cal.com
 * apps/web/app/(booking-page-wrapper)/[user]/[type]/page.tsx @ 750947b74ed21cfbf5c26c684fad1b8ce281e635); a stand-in for tests: it answers which event type the page
 * books and the prefill it was opened with (the query as the booker reads it), or 404 like the app for an unknown
 * user or slug and for a hidden event type.
 */
export const bookingPageRoutes: Route[] = [
  {
    // A team event type's page, `/team/<team slug>/<event slug>` (apps/web/app/(booking-page-wrapper)/team/[slug]/[type]/page.tsx
    // @ b0b018ae113abb64d74106b565a5502496705f0e).
    method: "GET",
    pattern: /^\/team\/([^/]+)\/([^/]+)\/?$/,
    auth: "none",
    handle({ res, url, params, store }) {
      const [teamSlug, slug] = params.map(decodeURIComponent);
      const team = [...store.teams.values()].find((t) => t.slug === teamSlug);
      const eventType = team && [...store.eventTypes.values()].find((e) => e.teamId === team.id && e.slug === slug && !e.hidden);
      if (!eventType) throw new HttpError(404, "This page could not be found.");
      page(res, { page: "booking", team: teamSlug, event_type_id: eventType.id, title: eventType.title, prefill: Object.fromEntries(url.searchParams) });
    },
  },
  {
    method: "GET",
    pattern: /^\/(?!v2\/)([^/]+)\/([^/]+)\/?$/,
    auth: "none",
    handle({ res, url, params, store }) {
      const [username, slug] = params.map(decodeURIComponent);
      const user = [...store.users.values()].find((u) => u.username === username);
      const eventType = user && [...store.eventTypes.values()].find((e) => e.ownerId === user.id && e.slug === slug && !e.hidden);
      if (!eventType) throw new HttpError(404, "This page could not be found.");
      page(res, { page: "booking", username, event_type_id: eventType.id, title: eventType.title, prefill: Object.fromEntries(url.searchParams) });
    },
  },
];

function page(res: ServerResponse, content: { title: string } & Record<string, unknown>): void {
  const text = `<!doctype html><title>${escapeHtml(content.title)}</title><script type="application/json" id="booking-page">${escapeHtml(JSON.stringify(content))}</script>`;
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
