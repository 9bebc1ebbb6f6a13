-- CreateEnum
CREATE TYPE "appointment_source" AS ENUM ('agni', 'calcom');

-- DropIndex
DROP INDEX "appointments_calcom_booking_uid_key";

-- AlterTable
ALTER TABLE "appointments" ADD COLUMN     "no_show" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "source" "appointment_source" NOT NULL DEFAULT 'agni',
ALTER COLUMN "agent_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "calcom_accounts" ADD COLUMN     "calcom_webhook_id" INTEGER,
ADD COLUMN     "reconcile_cursor" TIMESTAMPTZ(3),
ADD COLUMN     "reconciled_at" TIMESTAMPTZ(3),
ADD COLUMN     "webhook_error" TEXT,
ADD COLUMN     "webhook_secret_encrypted" TEXT;

-- CreateIndex
CREATE INDEX "appointments_calcom_account_id_start_time_idx" ON "appointments"("calcom_account_id", "start_time");

-- CreateIndex
CREATE UNIQUE INDEX "appointments_organization_id_calcom_booking_uid_key" ON "appointments"("organization_id", "calcom_booking_uid");
