export { createAgniClient, type AgniClient, type AgniClientOptions } from "./client";
export { unwrap, toAgniApiError, type AgniResponse, type SuccessBody } from "./unwrap";
export { AgniError, AgniApiError, AgniConnectionError } from "./errors";
