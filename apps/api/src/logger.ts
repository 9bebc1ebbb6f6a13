import pino, { type DestinationStream, type Logger } from "pino";

/**
 * JSON logs, one line per event. Credentials never reach a log line: request logs carry method, path and status
 * only, and these paths are redacted wherever they appear in a logged object.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "agni-api" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ["*.api_key", "*.apiKey", "*.authorization", "*.headers.authorization", '*.headers["x-api-key"]', "*.key", "*.token"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
