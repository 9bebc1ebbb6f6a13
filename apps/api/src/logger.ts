import pino, { type DestinationStream, type Logger } from "pino";

/**
 * JSON logs, one line per event, to stdout unless a destination is given. Credentials never reach a log line:
 * request logs carry method, path and status only, and these paths are redacted wherever they appear in a logged object.
 */
export function createLogger(level: string, destination: DestinationStream = stdoutDestination()): Logger {
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

/**
 * Log lines to stdout that can never hold the process up. pino's own destination writes the file descriptor directly
 * and, at exit, flushes what is pending synchronously, retrying a full pipe forever: an API whose log reader had stopped
 * reading went on serving but never exited after SIGTERM. Here lines go through Node's stream, which writes a pipe
 * without blocking; while the reader is slow at most `maxPendingBytes` wait in memory (further lines are dropped and
 * counted, and the count is logged once the reader catches up), and once the reader is gone (EPIPE) nothing is written.
 * What is still pending at exit is lost rather than waited for.
 */
export function stdoutDestination(stream: NodeJS.WriteStream = process.stdout, maxPendingBytes = 8 * 1024 * 1024): DestinationStream {
  let gone = false;
  let dropped = 0;
  stream.on("error", () => {
    gone = true;
  });
  stream.on("drain", () => {
    if (dropped === 0 || gone) return;
    const note = { level: 40, time: new Date().toISOString(), service: "agni-api", dropped, msg: "log lines were dropped while the log reader was not keeping up" };
    dropped = 0;
    stream.write(`${JSON.stringify(note)}\n`);
  });
  return {
    write(line: string) {
      if (gone) return;
      if (stream.writableLength > maxPendingBytes) dropped += 1;
      else stream.write(line);
    },
  };
}
