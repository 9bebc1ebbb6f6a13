import { sendSuccess } from "../http";
import { bodyObject, HttpError, type Route } from "./context";

// Cal.com's credits controller (calcom/cal.com apps/api/v2/src/modules/credits/controllers/credits.controller.ts and
// services/credits.service.ts @ f73f34f5): any API version, auth required; `available` answers hasCredits and the
// balance, `charge` answers 200 (HttpCode OK) with charged and the remaining balance, and `externalRef` is its
// idempotency key ("to prevent double-charging"): a reference already charged is not charged again.
const FOR = ["SMS", "CAL_AI_PHONE_CALL", "AI_AGENT"];

export const creditRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^\/v2\/credits\/available\/?$/,
    auth: "required",
    handle({ res, user, store }) {
      const c = store.creditsOf(user.id);
      sendSuccess(res, { hasCredits: c.monthlyRemaining + c.additional > 0, balance: { monthlyRemaining: c.monthlyRemaining, additional: c.additional } });
    },
  },
  {
    method: "POST",
    pattern: /^\/v2\/credits\/charge\/?$/,
    auth: "required",
    handle({ res, user, store, body }) {
      const b = bodyObject(body) ?? {};
      const credits = Number(b.credits);
      if (!Number.isInteger(credits) || credits <= 0) throw new HttpError(400, "credits must be a positive integer");
      if (!(typeof b.creditFor === "string" && FOR.includes(b.creditFor))) throw new HttpError(400, `creditFor must be one of ${FOR.join(", ")}`);
      const c = store.creditsOf(user.id);
      // `externalRef` makes a charge idempotent: the same reference is charged once.
      const ref = b.externalRef ? String(b.externalRef) : undefined;
      if (!ref || !c.charged.has(ref)) {
        if (c.monthlyRemaining + c.additional < credits) throw new HttpError(400, "Not enough credits");
        const fromMonthly = Math.min(c.monthlyRemaining, credits);
        c.monthlyRemaining -= fromMonthly;
        c.additional -= credits - fromMonthly;
        if (ref) c.charged.add(ref);
        c.charges.push({ credits, creditFor: b.creditFor, externalRef: ref ?? null });
      }
      sendSuccess(res, { charged: true, remainingBalance: { monthlyRemaining: c.monthlyRemaining, additional: c.additional } });
    },
  },
];
