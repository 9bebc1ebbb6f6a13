export { createSandbox, type Sandbox, type SandboxOptions, type Fault, type RecordedRequest } from "./sandbox";
export type { Seed } from "./seed";
export type { SandboxUser, NewUser, NewEventType } from "./store";
export type { WebApp, WebAppBooking, Actor } from "./web-app";
export type { DeliveryFilter, HeldDelivery, WebhookDeliveryAttempt, WebhookDeliveryOptions, WebhookFault, WebhookTarget } from "./webhook-delivery";
export type { NewTeam, NewTeamEventType, StoredTeam, TeamHost } from "./teams";
