-- CreateEnum
CREATE TYPE "waitlist_status" AS ENUM ('waiting', 'offered', 'booked', 'expired', 'cancelled');

-- CreateTable
CREATE TABLE "waitlist_entries" (
    "id" UUID NOT NULL,
    "organization_id" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "calcom_account_id" UUID NOT NULL,
    "event_type_id" INTEGER NOT NULL,
    "attendee_name" TEXT NOT NULL,
    "attendee_email" TEXT,
    "attendee_phone" TEXT,
    "contact_key" TEXT NOT NULL,
    "attendee_timezone" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_end" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "waitlist_status" NOT NULL DEFAULT 'waiting',
    "offered_start" TIMESTAMPTZ(3),
    "offered_end" TIMESTAMPTZ(3),
    "offer_expires_at" TIMESTAMPTZ(3),
    "hold_minutes" INTEGER,
    "hold_uid" TEXT,
    "freed_by_appointment_id" UUID,
    "call_session_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "waitlist_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "waitlist_entries_account_event_type_status_idx" ON "waitlist_entries"("calcom_account_id", "event_type_id", "status", "created_at");

-- CreateIndex
CREATE INDEX "waitlist_entries_organization_id_agent_id_created_at_idx" ON "waitlist_entries"("organization_id", "agent_id", "created_at");

-- A freed time of an event type is offered to one waiting caller at a time (whichever replica or delivery gets there first)
CREATE UNIQUE INDEX "waitlist_entries_one_offer_per_slot" ON "waitlist_entries"("calcom_account_id", "event_type_id", "offered_start") WHERE "status" = 'offered';

-- One open entry per agent, contact and window
CREATE UNIQUE INDEX "waitlist_entries_one_open_per_caller" ON "waitlist_entries"("agent_id", "contact_key", "window_start", "window_end") WHERE "status" IN ('waiting', 'offered');

-- AddForeignKey
ALTER TABLE "waitlist_entries" ADD CONSTRAINT "waitlist_entries_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "waitlist_entries" ADD CONSTRAINT "waitlist_entries_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
