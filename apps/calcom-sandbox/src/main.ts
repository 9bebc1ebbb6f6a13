import { createSandbox } from "./sandbox";

/** `npm run sandbox`: a local Cal.com API v2 stand-in with one demo user. */
const DEMO_KEY = "cal_test_sandboxdemo0000000000000000000000";
const port = Number(process.env.PORT ?? 5555);
const host = process.env.HOST ?? "127.0.0.1";

const sandbox = createSandbox();
const { user } = sandbox.addUser({ username: "demo", name: "Demo User", timeZone: process.env.SANDBOX_TIME_ZONE ?? "Europe/London", apiKey: DEMO_KEY });
const server = await sandbox.listen(port, host);
process.stdout.write(
  [`Cal.com sandbox listening on ${server.url}`, `Demo user "${user.username}" (id ${user.id}, ${user.timeZone}); API key: ${DEMO_KEY}`, ""].join("\n"),
);
const stop = () => void server.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
