export { createSandbox, type Sandbox, type SandboxOptions, type Fault, type RecordedRequest } from "./sandbox";
export type { Seed } from "./seed";
export type { SandboxUser, NewUser, NewEventType } from "./store";
