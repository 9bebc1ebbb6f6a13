-- The waitlist sweep offers times no booking freed (a widened schedule, a date override), so a waitlist.slot_opened
-- event may be about no appointment: appointment_id becomes optional
ALTER TABLE "appointment_events" ALTER COLUMN "appointment_id" DROP NOT NULL;
