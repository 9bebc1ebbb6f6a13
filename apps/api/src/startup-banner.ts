import { DEFAULT_LOCAL_API_URL } from "@agni/contracts";

/**
 * What `npm start` prints once the API listens: where, on which database, how to get a token, and — when it does not
 * listen where the CLI looks by default (a PORT or HOST other than the default) — how to point the CLI at it.
 */
export function startupBanner(url: string, database: string): string {
  return [
    `Agni API listening on ${url} (database: ${database})`,
    ...(url === DEFAULT_LOCAL_API_URL ? [] : [`The CLI looks at ${DEFAULT_LOCAL_API_URL} unless told:  export AGNI_API_URL=${url}`]),
    `Get a development token:  export AGNI_TOKEN=$(npm run -s agni -- auth token --org my-org)`,
    "",
  ].join("\n");
}
