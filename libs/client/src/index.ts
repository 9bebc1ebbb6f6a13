export { createAgniClient, type AgniClient, type AgniClientOptions } from "./client.js";
export { unwrap, toAgniApiError, type AgniResponse, type SuccessBody } from "./unwrap.js";
export { AgniError, AgniApiError, AgniConnectionError } from "./errors.js";
export { verifyAgniSignature, AGNI_SIGNATURE_HEADER, type VerifyAgniSignatureOptions, type AgniEvent, type AgniEventType } from "@agni/contracts";
