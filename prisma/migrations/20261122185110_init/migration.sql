-- CreateEnum
CREATE TYPE "calcom_account_kind" AS ENUM ('org', 'agent');

-- CreateEnum
CREATE TYPE "calcom_account_status" AS ENUM ('active', 'inactive', 'invalid', 'error');

-- CreateEnum
CREATE TYPE "agent_status" AS ENUM ('ACTIVE', 'INACTIVE');

-- CreateTable
CREATE TABLE "organizations" (
    "id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "organization_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "calcom_accounts" (
    "id" UUID NOT NULL,
    "organization_id" TEXT NOT NULL,
    "kind" "calcom_account_kind" NOT NULL,
    "owner_agent_id" UUID,
    "account_name" TEXT NOT NULL DEFAULT 'Default',
    "api_base_url" TEXT NOT NULL DEFAULT 'https://api.cal.com',
    "api_key_encrypted" TEXT,
    "api_key_masked" TEXT,
    "status" "calcom_account_status" NOT NULL DEFAULT 'active',
    "error" TEXT,
    "calcom_user_id" INTEGER,
    "calcom_username" TEXT,
    "calcom_email" TEXT,
    "calcom_time_zone" TEXT,
    "connected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disconnected_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "calcom_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agents" (
    "id" UUID NOT NULL,
    "organization_id" TEXT NOT NULL,
    "agent_name" TEXT NOT NULL,
    "status" "agent_status" NOT NULL DEFAULT 'ACTIVE',
    "calendar_timezone" TEXT NOT NULL DEFAULT 'UTC',
    "calcom_event_type_id" INTEGER,
    "selected_tools" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "prompt" TEXT,
    "begin_message" TEXT,
    "settings" JSONB,
    "calcom_account_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tools" (
    "id" UUID NOT NULL,
    "organization_id" TEXT NOT NULL,
    "agent_id" UUID,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "type" TEXT NOT NULL,
    "definition" JSONB,
    "is_active" BOOLEAN NOT NULL DEFAULT false,
    "enabled_functions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tools_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_hash_key" ON "api_keys"("hash");

-- CreateIndex
CREATE INDEX "api_keys_organization_id_idx" ON "api_keys"("organization_id");

-- CreateIndex
CREATE INDEX "calcom_accounts_organization_id_kind_idx" ON "calcom_accounts"("organization_id", "kind");

-- CreateIndex
CREATE INDEX "calcom_accounts_owner_agent_id_idx" ON "calcom_accounts"("owner_agent_id");

-- CreateIndex
CREATE INDEX "agents_organization_id_created_at_idx" ON "agents"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "tools_organization_id_created_at_idx" ON "tools"("organization_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "tools_agent_id_name_key" ON "tools"("agent_id", "name");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "calcom_accounts" ADD CONSTRAINT "calcom_accounts_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "calcom_accounts" ADD CONSTRAINT "calcom_accounts_owner_agent_id_fkey" FOREIGN KEY ("owner_agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agents" ADD CONSTRAINT "agents_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agents" ADD CONSTRAINT "agents_calcom_account_id_fkey" FOREIGN KEY ("calcom_account_id") REFERENCES "calcom_accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tools" ADD CONSTRAINT "tools_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tools" ADD CONSTRAINT "tools_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;
