-- CreateEnum
CREATE TYPE "appointment_status" AS ENUM ('accepted', 'pending', 'cancelled');

-- CreateEnum
CREATE TYPE "idempotency_state" AS ENUM ('in_progress', 'completed');

-- CreateTable
CREATE TABLE "appointments" (
    "id" UUID NOT NULL,
    "organization_id" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "calcom_account_id" UUID,
    "calcom_event_type_id" INTEGER NOT NULL,
    "calcom_booking_uid" TEXT NOT NULL,
    "calcom_booking_uids" TEXT[],
    "attendee_name" TEXT NOT NULL,
    "attendee_email" TEXT,
    "attendee_phone" TEXT,
    "attendee_timezone" TEXT NOT NULL,
    "start_time" TIMESTAMPTZ(3) NOT NULL,
    "end_time" TIMESTAMPTZ(3) NOT NULL,
    "duration_minutes" INTEGER NOT NULL,
    "status" "appointment_status" NOT NULL DEFAULT 'accepted',
    "call_session_id" TEXT,
    "notes" TEXT,
    "cancellation_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "appointments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_records" (
    "organization_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "state" "idempotency_state" NOT NULL DEFAULT 'in_progress',
    "response_status" INTEGER,
    "response_body" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("organization_id","key")
);

-- CreateIndex
CREATE INDEX "appointments_organization_id_agent_id_start_time_idx" ON "appointments"("organization_id", "agent_id", "start_time");

-- CreateIndex
CREATE INDEX "appointments_calcom_booking_uids_idx" ON "appointments" USING GIN ("calcom_booking_uids");

-- CreateIndex
CREATE UNIQUE INDEX "appointments_calcom_booking_uid_key" ON "appointments"("calcom_booking_uid");

-- CreateIndex
CREATE INDEX "idempotency_records_expires_at_idx" ON "idempotency_records"("expires_at");

-- AddForeignKey
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
