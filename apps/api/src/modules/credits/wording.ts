/** What an agent says when credit metering stops an action (hard mode, no Cal.com credits left). */
export const NO_CREDITS_SENTENCE = "I'm sorry, I can't make changes to the calendar right now. Please try again later or contact us directly.";

/** What the API says when a call is completed. */
export const completionMessage = (status: string, credits: number): string => {
  if (status === "unpaid") return `Cal.com refused the charge of ${credits} credit${credits === 1 ? "" : "s"}; the call is recorded as unpaid`;
  if (credits === 0) return "Call completed; nothing to charge";
  return `Call completed; ${credits} credit${credits === 1 ? "" : "s"} charged`;
};
