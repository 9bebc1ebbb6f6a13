-- CreateEnum
CREATE TYPE "credit_mode" AS ENUM ('hard', 'soft');

-- CreateEnum
CREATE TYPE "credit_charge_status" AS ENUM ('open', 'charging', 'charged', 'unpaid');

-- CreateTable
CREATE TABLE "credit_settings" (
    "organization_id" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "mode" "credit_mode" NOT NULL DEFAULT 'hard',
    "per_action" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "credit_settings_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "credit_charges" (
    "id" UUID NOT NULL,
    "organization_id" TEXT NOT NULL,
    "agent_id" UUID NOT NULL,
    "call_session_id" TEXT NOT NULL,
    "credits" INTEGER NOT NULL DEFAULT 0,
    "actions" INTEGER NOT NULL DEFAULT 0,
    "status" "credit_charge_status" NOT NULL DEFAULT 'open',
    "no_credits_at_check" BOOLEAN NOT NULL DEFAULT false,
    "external_ref" TEXT NOT NULL,
    "last_error" TEXT,
    "charged_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_charges_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "credit_charges_organization_id_created_at_idx" ON "credit_charges"("organization_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "credit_charges_organization_id_agent_id_call_session_id_key" ON "credit_charges"("organization_id", "agent_id", "call_session_id");

-- AddForeignKey
ALTER TABLE "credit_settings" ADD CONSTRAINT "credit_settings_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_charges" ADD CONSTRAINT "credit_charges_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_charges" ADD CONSTRAINT "credit_charges_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
