import { contract } from "@agni/contracts";
import { buildOpenApiDocument } from "@agni/contracts/openapi";
import { createExpressEndpoints, initServer } from "@ts-rest/express";
import express, { type Express, type Request, type RequestHandler } from "express";
import type { Logger } from "pino";
import type { PrismaClient } from "./db/prisma";
import { AppError } from "./http/app-error";
import { authMiddleware, authOf } from "./http/auth";
import { docsRouter } from "./http/docs";
import { errorHandler, notFoundHandler, validationError } from "./http/error-handler";
import { apiRateLimit } from "./http/rate-limit";
import { requestContextMiddleware } from "./http/request-context";
import { SecretBox } from "./lib/crypto";
import { invalidateOnWrite, OrgCache } from "./lib/org-cache";
import type { SharedStores } from "./lib/redis-stores";
import { agentsRouter } from "./modules/agents/agents.router";
import { AppointmentLocks } from "./modules/appointments/appointment-lock";
import { AppointmentsRepository } from "./modules/appointments/appointments.repository";
import { appointmentsRouter } from "./modules/appointments/appointments.router";
import { AppointmentsService } from "./modules/appointments/appointments.service";
import { IdempotencyStore } from "./modules/appointments/idempotency";
import { AgentsRepository } from "./modules/agents/agents.repository";
import { AgentsService } from "./modules/agents/agents.service";
import { apiKeysRouter } from "./modules/api-keys/api-keys.router";
import { ApiKeysRepository } from "./modules/api-keys/api-keys.repository";
import { ApiKeysService } from "./modules/api-keys/api-keys.service";
import { CalcomAccountsRepository } from "./modules/calcom/calcom-accounts.repository";
import { createCalcomGateway, type CalcomGateway } from "./modules/calcom/calcom-gateway";
import { calcomRouter } from "./modules/calcom/calcom.router";
import { CalcomService } from "./modules/calcom/calcom.service";
import { healthRouter } from "./modules/health/health.router";
import { OrganizationsRepository } from "./modules/organizations/organizations.repository";
import { ToolExporter } from "./modules/tools/tool-export";
import { ToolInvoker } from "./modules/tools/tool-invoke";
import { mcpRouter } from "./modules/mcp/mcp.router";
import { toolsRouter } from "./modules/tools/tools.router";
import { ToolsRepository } from "./modules/tools/tools.repository";
import { ToolsService } from "./modules/tools/tools.service";
import type { AppConfig } from "./config";

export interface AppDeps {
  prisma: PrismaClient;
  /** Resolves when the database answers; used by `/ready`. */
  ping: () => Promise<void>;
  config: Pick<AppConfig, "auth" | "encryptionKey" | "previousEncryptionKeys" | "bodyLimit" | "calcomTimeoutMs" | "calcomDeadlineMs" | "calcomRateLimit" | "calcomAllowedOrigins" | "publicUrl"> &
    Partial<Pick<AppConfig, "calcomAgentShare" | "maxCallsPerRequest">> &
    Partial<Pick<AppConfig, "rateLimit">>;
  /** Cache of hot per-organisation reads; main.ts gives it a cross-replica invalidation bus on PostgreSQL. */
  cache?: OrgCache;
  /** Rate-limit stores shared by replicas (Redis); each process keeps its own counters when absent. */
  stores?: Partial<Omit<SharedStores, "close">>;
  logger: Logger;
  /** Overrides how the API reaches Cal.com (tests point it at the sandbox). */
  calcomGateway?: CalcomGateway;
}

/** Rejects bodies that are not JSON before anything tries to read them. */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
  if (hasBody && !req.is(["application/json", "application/*+json"])) {
    return next(new AppError("UNSUPPORTED_MEDIA_TYPE", "Request bodies must be JSON (Content-Type: application/json)"));
  }
  next();
};

// Half of a UTF-16 surrogate pair with no other half: JSON can carry it ("\\ud800"), PostgreSQL's json cannot.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unstorable(text: string): string | null {
  if (text.includes("\u0000")) return "Text must not contain NUL characters (\\u0000)";
  if (UNPAIRED_SURROGATE.test(text)) return "Text must be valid Unicode: an unpaired UTF-16 surrogate (\\ud800–\\udfff) was sent";
  return null;
}

/**
 * PostgreSQL cannot store U+0000 or an unpaired surrogate, and no field of ours has a use for either: refuse them in
 * the URL and body up front rather than failing half-way into a write. (Decoded query strings cannot hold an
 * unpaired surrogate: invalid escapes decode to U+FFFD.)
 */
const rejectUnstorableText: RequestHandler = (req, _res, next) => {
  if (/%00/i.test(req.originalUrl)) return next(new AppError("INVALID_REQUEST", unstorable("\u0000")!));
  const stack: unknown[] = [req.body];
  while (stack.length > 0) {
    const value = stack.pop();
    const problem = typeof value === "string" ? unstorable(value) : null;
    if (problem) return next(new AppError("INVALID_REQUEST", problem));
    if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        const inKey = unstorable(k);
        if (inKey) return next(new AppError("INVALID_REQUEST", inKey));
        stack.push(v);
      }
    }
  }
  next();
};

/** Builds the Express application. Reads no environment and does not listen: main.ts and tests do that. */
export function createApp(deps: AppDeps): Express {
  const { prisma, config, logger } = deps;
  const apiKeys = new ApiKeysService(new ApiKeysRepository(prisma));
  const organizations = new OrganizationsRepository(prisma);
  const gateway =
    deps.calcomGateway ??
    createCalcomGateway({
      timeoutMs: config.calcomTimeoutMs,
      deadlineMs: config.calcomDeadlineMs,
      rateLimitPerMinute: config.calcomRateLimit,
      agentSharePercent: config.calcomAgentShare,
      rateLimitStore: deps.stores?.calcom,
      allowedOrigins: config.calcomAllowedOrigins,
    });
  const box = new SecretBox(config.encryptionKey, config.previousEncryptionKeys);
  const cache = deps.cache ?? new OrgCache();

  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.set("etag", false);
  app.use(requestContextMiddleware(logger));
  const openApi = buildOpenApiDocument();
  app.get("/openapi.json", (_req, res) => void res.json(openApi));
  app.use(docsRouter());
  const authenticate = authMiddleware({ auth: config.auth, apiKeys, organizations });
  const limits = config.rateLimit ? [apiRateLimit({ limit: config.rateLimit, store: deps.stores?.api })] : [];
  const jsonBody = [requireJsonBody, express.json({ limit: config.bodyLimit, strict: true }), rejectUnstorableText];
  // Appointment calls (manage, a tool's invoke, MCP) write only appointments and idempotency records, neither cached;
  // the one cached row they may change (an account Cal.com rejects) is invalidated by the repository. Exempting them
  // keeps a conversation's calls on the cache instead of reloading the agent after each one.
  const appointmentCall = (req: Request) => /^\/v1\/(calcom\/appointments\/|tools\/[^/]+\/invoke\/?$)/.test(req.path);
  const invalidate = invalidateOnWrite(cache, (res) => authOf(res).orgId, logger, appointmentCall);
  app.use("/api", authenticate, ...limits, invalidate, ...jsonBody);
  app.use("/mcp", authenticate, ...limits, ...jsonBody);

  const tools = new ToolsService(new ToolsRepository(prisma, cache));
  const appointmentsRepository = new AppointmentsRepository(prisma, cache);
  const appointments = new AppointmentsService(appointmentsRepository, gateway, box, new IdempotencyStore(prisma), new AppointmentLocks(appointmentsRepository));
  const exporter = new ToolExporter(tools, appointments);
  const maxCallsPerRequest = config.maxCallsPerRequest ?? 10;
  app.use("/mcp", mcpRouter({ tools, exporter, appointments, maxCallsPerRequest }));
  const s = initServer();
  const router = s.router(contract, {
    health: healthRouter(deps.ping),
    apiKeys: apiKeysRouter(apiKeys),
    agents: agentsRouter(new AgentsService(new AgentsRepository(prisma))),
    tools: toolsRouter(tools, exporter, new ToolInvoker(tools, appointments, maxCallsPerRequest), config.publicUrl),
    calcom: calcomRouter(new CalcomService(new CalcomAccountsRepository(prisma, cache), gateway, box)),
    appointments: appointmentsRouter(appointments),
  });
  createExpressEndpoints(contract, router, app, {
    logInitialization: false,
    responseValidation: true,
    requestValidationErrorHandler: (err, _req, _res, next) => next(validationError(err)),
  });

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
