import { HttpError, type Route } from "./context";

/**
 * The web app's public booking page, `/<username>/<event slug>` on the sandbox's own origin (calcom/cal.com
 * apps/web/app/(booking-page-wrapper)/[user]/[type]/page.tsx @ 750947b74ed21cfbf5c26c684fad1b8ce281e635); a stand-in for tests: it answers which event type the page
 * books and the prefill it was opened with (the query as the booker reads it), or 404 like the app for an unknown
 * user or slug and for a hidden event type.
 */
export const bookingPageRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^\/(?!v2\/)([^/]+)\/([^/]+)\/?$/,
    auth: "none",
    handle({ res, url, params, store }) {
      const [username, slug] = params.map(decodeURIComponent);
      const user = [...store.users.values()].find((u) => u.username === username);
      const eventType = user && [...store.eventTypes.values()].find((e) => e.ownerId === user.id && e.slug === slug && !e.hidden);
      if (!eventType) throw new HttpError(404, "This page could not be found.");
      const page = { page: "booking", username, event_type_id: eventType.id, title: eventType.title, prefill: Object.fromEntries(url.searchParams) };
      const text = `<!doctype html><title>${escapeHtml(eventType.title)}</title><script type="application/json" id="booking-page">${escapeHtml(JSON.stringify(page))}</script>`;
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(text) });
      res.end(text);
    },
  },
];

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
