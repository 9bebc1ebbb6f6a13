import { contract } from "@agni/contracts";
import { buildOpenApiDocument } from "@agni/contracts/openapi";
import { createExpressEndpoints, initServer } from "@ts-rest/express";
import express, { type Express, type Request } from "express";
import type { Logger } from "pino";
import type { PrismaClient } from "./db/prisma";
import { authMiddleware, authOf } from "./http/auth";
import { authFailureLimit } from "./http/auth-failures";
import { docsRouter } from "./http/docs";
import { errorHandler, notFoundHandler, validationError } from "./http/error-handler";
import { jsonBody } from "./http/json-body";
import { apiRateLimit } from "./http/rate-limit";
import { requestContextMiddleware } from "./http/request-context";
import { SecretBox } from "./lib/crypto";
import { invalidateOnWrite } from "./http/invalidate-on-write";
import { OrgCache } from "./lib/org-cache";
import type { SharedStores } from "./lib/redis-stores";
import { agentsRouter } from "./modules/agents/agents.router";
import { AppointmentLocks } from "./modules/appointments/appointment-lock";
import { AppointmentReads } from "./modules/appointments/appointment-reads";
import { AppointmentsRepository } from "./modules/appointments/appointments.repository";
import { appointmentsRouter } from "./modules/appointments/appointments.router";
import { AppointmentsService } from "./modules/appointments/appointments.service";
import { Calendars } from "./modules/appointments/calendar";
import { EventTypesService } from "./modules/appointments/event-types";
import { FunctionCalls } from "./modules/appointments/function-calls";
import { IdempotencyStore } from "./modules/appointments/idempotency";
import { IdempotencyRepository } from "./modules/appointments/idempotency.repository";
import { AgentsRepository } from "./modules/agents/agents.repository";
import { AgentsService } from "./modules/agents/agents.service";
import { apiKeysRouter } from "./modules/api-keys/api-keys.router";
import { ApiKeysRepository } from "./modules/api-keys/api-keys.repository";
import { ApiKeysService } from "./modules/api-keys/api-keys.service";
import { CalcomAccountsRepository } from "./modules/calcom/calcom-accounts.repository";
import { createCalcomGateway, type CalcomGateway } from "./modules/calcom/calcom-gateway";
import { calcomRouter } from "./modules/calcom/calcom.router";
import { CalcomService } from "./modules/calcom/calcom.service";
import { SlotCache } from "./modules/slots/slot-cache";
import { SlotsRepository } from "./modules/slots/slots.repository";
import { CreditCheck, CreditMeter } from "./modules/credits/credit-meter";
import { CreditsRepository } from "./modules/credits/credits.repository";
import { creditsRouter } from "./modules/credits/credits.router";
import { CreditsService } from "./modules/credits/credits.service";
import { WaitlistRepository } from "./modules/waitlist/waitlist.repository";
import { waitlistRouter } from "./modules/waitlist/waitlist.router";
import { healthRouter } from "./modules/health/health.router";
import { OrganizationsRepository } from "./modules/organizations/organizations.repository";
import { ToolExporter } from "./modules/tools/tool-export";
import { ToolInvoker } from "./modules/tools/tool-invoke";
import { mcpParseError, mcpRouter } from "./modules/mcp/mcp.router";
import { toolsRouter } from "./modules/tools/tools.router";
import { ToolsRepository } from "./modules/tools/tools.repository";
import { ToolsService } from "./modules/tools/tools.service";
import { calcomWebhookIntake } from "./modules/mirror/intake.router";
import type { MirrorQueue } from "./modules/mirror/intake-queue";
import { createMirror } from "./modules/mirror/mirror";
import type { DeliveryQueue } from "./modules/webhooks/delivery-queue";
import { WebhooksRepository } from "./modules/webhooks/webhooks.repository";
import { webhooksRouter } from "./modules/webhooks/webhooks.router";
import { WebhooksService } from "./modules/webhooks/webhooks.service";
import type { AppConfig } from "./config";

export interface AppDeps {
  prisma: PrismaClient;
  /** Resolves when the database answers; used by `/ready`. */
  ping: () => Promise<void>;
  config: Pick<AppConfig, "auth" | "encryptionKey" | "previousEncryptionKeys" | "bodyLimit" | "calcomTimeoutMs" | "calcomDeadlineMs" | "calcomRateLimit" | "calcomAllowedOrigins" | "publicUrl"> &
    Partial<Pick<AppConfig, "calcomAgentShare" | "mirror" | "maxCallsPerRequest" | "rateLimit" | "authFailureLimit" | "jsonMaxDepth" | "trustProxy" | "slotCacheTtlMs">> & {
      /** Whether webhook subscriptions may point at http and private addresses (default: no). */
      webhooks?: { allowPrivate: boolean };
    };
  /** Cache of hot per-organisation reads; main.ts gives it a cross-replica invalidation bus on PostgreSQL. */
  cache?: OrgCache;
  /** Rate-limit stores shared by replicas (Redis); each process keeps its own counters when absent. */
  stores?: Partial<Omit<SharedStores, "close">>;
  logger: Logger;
  /** Overrides how the API reaches Cal.com (tests point it at the sandbox). */
  calcomGateway?: CalcomGateway;
  /** Queues webhook deliveries (background.ts); without it they wait in the database for a process that has one. */
  deliveries?: DeliveryQueue;
  /** The clock the slot cache ages entries by (milliseconds since the epoch); tests pass their own. */
  clock?: () => number;
  /** Queues verified Cal.com webhook deliveries for the mirror (background.ts); without it the intake answers 503. */
  mirror?: MirrorQueue;
}

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
      backgroundSharePercent: config.mirror?.sharePercent,
      rateLimitStore: deps.stores?.calcom,
      allowedOrigins: config.calcomAllowedOrigins,
    });
  const box = new SecretBox(config.encryptionKey, config.previousEncryptionKeys);
  const cache = deps.cache ?? new OrgCache();
  const mirror = createMirror({ prisma, gateway, box, publicUrl: config.publicUrl, deliveries: deps.deliveries, queue: deps.mirror, logger, waitlistOfferMs: config.mirror?.waitlistOfferMs });

  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.set("etag", false);
  // Who the client is (req.ip) and where it reached us: the socket's peer, unless that peer is a proxy we were told to trust.
  app.set("trust proxy", config.trustProxy ?? false);
  app.use(requestContextMiddleware(logger));
  const openApi = buildOpenApiDocument();
  app.get("/openapi.json", (_req, res) => void res.json(openApi));
  app.use(docsRouter());
  // Cal.com's webhook deliveries: public (the signature over the raw body is the proof), so before /api's authentication.
  app.use(calcomWebhookIntake({ repo: mirror.repo, box, queue: deps.mirror, bodyLimit: config.bodyLimit }));
  const failures = config.authFailureLimit ? authFailureLimit({ limit: config.authFailureLimit, store: deps.stores?.authFailures }) : undefined;
  const authenticate = authMiddleware({ auth: config.auth, apiKeys, organizations, failures });
  const limits = config.rateLimit ? [apiRateLimit({ limit: config.rateLimit, store: deps.stores?.api })] : [];
  const body = jsonBody({ limit: config.bodyLimit, maxDepth: config.jsonMaxDepth });
  // Appointment calls (manage, a tool's invoke, MCP) write only appointments and idempotency records, neither cached;
  // the one cached row they may change (an account Cal.com rejects) is invalidated by the repository. Exempting them
  // keeps a conversation's calls on the cache instead of reloading the agent after each one.
  const appointmentCall = (req: Request) => /^\/v1\/(calcom\/appointments\/|tools\/[^/]+\/invoke\/?$)/.test(req.path);
  const invalidate = invalidateOnWrite(cache, (res) => authOf(res).orgId, logger, appointmentCall);
  app.use("/api", authenticate, ...limits, invalidate, ...body);
  app.use("/mcp", authenticate, ...limits, ...body, mcpParseError);

  const tools = new ToolsService(new ToolsRepository(prisma, cache));
  const appointmentsRepository = new AppointmentsRepository(prisma, cache, deps.deliveries, (accountId, times) => mirror.offerFreed(accountId, times));
  const slotVersions = new SlotsRepository(prisma);
  const slots = new SlotCache({
    ttlMs: config.slotCacheTtlMs,
    version: (accountId) => slotVersions.calendarVersion(accountId),
    now: deps.clock,
    onRefreshError: (err) => logger.warn({ err }, "background refresh of free slots failed; the cached ones are served until they expire"),
  });
  const calendars = new Calendars(appointmentsRepository, gateway, box);
  const waitlistEntries = new WaitlistRepository(prisma);
  const creditsRepository = new CreditsRepository(prisma);
  const creditCheck = new CreditCheck();
  const meter = new CreditMeter(creditsRepository, creditCheck, cache);
  const appointments = new AppointmentsService(
    appointmentsRepository,
    calendars,
    new IdempotencyStore(new IdempotencyRepository(prisma)),
    new AppointmentLocks(appointmentsRepository),
    slots,
    waitlistEntries,
    meter,
  );
  const eventTypes = new EventTypesService(calendars);
  const calls = new FunctionCalls(appointments);
  const exporter = new ToolExporter(tools, eventTypes);
  const maxCallsPerRequest = config.maxCallsPerRequest ?? 10;
  app.use("/mcp", mcpRouter({ tools, exporter, calendars, eventTypes, calls, maxCallsPerRequest }));
  const s = initServer();
  const router = s.router(contract, {
    health: healthRouter(deps.ping),
    apiKeys: apiKeysRouter(apiKeys),
    agents: agentsRouter(new AgentsService(new AgentsRepository(prisma), (accountId) => mirror.lifecycle.eventTypeChanged(accountId))),
    tools: toolsRouter(tools, exporter, new ToolInvoker(tools, calls, maxCallsPerRequest), config.publicUrl),
    calcom: calcomRouter(new CalcomService(new CalcomAccountsRepository(prisma, cache), gateway, box, mirror.lifecycle), mirror.sync),
    appointments: appointmentsRouter({ manage: appointments, reads: new AppointmentReads(appointmentsRepository, calendars), eventTypes }),
    credits: creditsRouter(new CreditsService(creditsRepository, meter, creditCheck, calendars)),
    waitlist: waitlistRouter(waitlistEntries),
    webhooks: webhooksRouter(new WebhooksService(new WebhooksRepository(prisma), box, { allowPrivate: config.webhooks?.allowPrivate ?? false }, deps.deliveries)),
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
