export { createSandbox, type Sandbox, type SandboxOptions, type Fault, type RecordedRequest } from "./sandbox";
export type { SandboxUser, NewUser } from "./store";
