/**
 * The API names the fields of what it was sent ("calendarTimezone: must be an IANA time zone", "check api_base_url");
 * a CLI user typed flags. This maps the one to the other for error lines (with `--json` the API's envelope is printed
 * as it came).
 */
const FLAGS: Record<string, string> = {
  agentName: "--name",
  calendarTimezone: "--timezone",
  calcomEventTypeId: "--event-type-id",
  beginMessage: "--begin-message",
  selectedTools: "--tools",
  definition: "--definition",
  agentId: "--agent",
  "enabledFunctions.values": "--enabled-functions",
  enabledFunctions: "--enabled-functions",
  isActive: "--active",
  api_key: "--calcom-api-key",
  account_name: "--account-name",
  api_base_url: "--api-base-url",
  provider_id: "--provider-id",
  calcom_account_id: "--account",
  agent_id: "--agent",
  call_session_id: "--call-session",
  event_type_id: "--event-type",
  days_ahead: "--days",
  duration_minutes: "--duration",
  appointment_datetime: "<datetime>",
  appointment_id: "<appointmentId>",
  // Plain words, renamed only where a message starts with them ("name may contain only …").
  name: "--name",
  description: "--description",
  type: "--type",
  prompt: "--prompt",
  settings: "--settings",
  timezone: "--timezone",
  email: "--email",
  phone: "--phone",
  responses: "--responses",
  url: "--url",
  events: "--events",
  status: "--status",
  limit: "--limit",
  offset: "--offset",
};

/** An API field written as one (snake_case or camelCase), outside a URL path or template (`/agents/{agent_id}`). */
const FIELD = /(?<![\w/{.-])([a-z]+(?:_[a-z]+)+|[a-z]+(?:[A-Z][a-z]+)+)(?:\.values)?(?![\w}-])/g;
/** A field path starting a clause, then what is said of it: `definition.parameters: …`, `name may …`. */
const LEADING = /^([A-Za-z_]+(?:\.[\w[\]-]+)*)(?=:| (?:must|may|is|for)\b)/;

/** `path` as a flag, with the rest of the path after it: `definition.parameters` → `--definition parameters`. */
function flagOf(path: string): string | undefined {
  const parts = path.split(".");
  for (let n = parts.length; n > 0; n--) {
    const flag = FLAGS[parts.slice(0, n).join(".")];
    if (flag) return n === parts.length ? flag : `${flag} ${parts.slice(n).join(".")}`;
  }
  return undefined;
}

/** `text` (an API error message) with the API's field names replaced by the CLI's flags (and null by `none`, as typed). */
export function inCliTerms(text: string): string {
  const renamed = text
    .split("; ")
    .map((clause) => clause.replace(LEADING, (path: string) => flagOf(path) ?? path))
    .join("; ")
    .replace(FIELD, (field: string) => flagOf(field) ?? field);
  return renamed === text ? text : renamed.replace(/\bor null\b/g, "or none");
}
