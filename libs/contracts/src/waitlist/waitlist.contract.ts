import { initContract } from "@ts-rest/core";
import { z } from "zod";
import { listEnvelope, OrgQuerySchema, successEnvelope, uuid } from "../common/envelope.js";
import { commonResponses } from "../common/responses.js";
import { ListWaitlistQuerySchema, WaitlistEntrySchema } from "./waitlist.schemas.js";

const c = initContract();

const EntryParams = z.object({ id: uuid("id") });

export const waitlistContract = c.router(
  {
    listWaitlist: {
      method: "GET",
      path: "/waitlist",
      query: ListWaitlistQuerySchema.merge(OrgQuerySchema),
      responses: { 200: listEnvelope(WaitlistEntrySchema) },
      summary: "Waitlist entries, oldest first (the order they are offered times in)",
      description:
        "Callers who asked to be told when an earlier time opens (the `waitlist` action, `join_waitlist`). Filter by `agent_id` and `status` (waiting, offered, expired, cancelled). An entry past its expiry reads as expired.",
    },
    getWaitlistEntry: {
      method: "GET",
      path: "/waitlist/:id",
      pathParams: EntryParams,
      query: OrgQuerySchema,
      responses: { 200: successEnvelope(WaitlistEntrySchema) },
      summary: "One waitlist entry",
      description: "The entry with its window, expiry and status; once offered, the time offered, until when it is kept for the caller, and whether it is also reserved in Cal.com.",
    },
    cancelWaitlistEntry: {
      method: "DELETE",
      path: "/waitlist/:id",
      pathParams: EntryParams,
      query: OrgQuerySchema,
      body: c.noBody(),
      responses: { 200: successEnvelope(WaitlistEntrySchema) },
      summary: "Take a caller off the waitlist",
      description: "The entry is cancelled and is never offered a time. Cancelling an entry that is no longer waiting or offered answers it as it is.",
    },
  },
  { pathPrefix: "/api/v1", strictStatusCodes: true, commonResponses },
);
