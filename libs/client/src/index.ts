export { createAgniClient, type AgniClient, type AgniClientOptions } from "./client.js";
export { unwrap, toAgniApiError, type AgniResponse, type SuccessBody } from "./unwrap.js";
export { AgniError, AgniApiError, AgniConnectionError } from "./errors.js";
