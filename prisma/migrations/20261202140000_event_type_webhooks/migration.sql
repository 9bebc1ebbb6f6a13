-- Team bookings reach the mirror at once: Cal.com fires no user-level webhook for a team event type's bookings,
-- so the mirror registers an event-type webhook on each team event type an account's agents book, and keeps its id here
-- CreateTable
CREATE TABLE "calcom_event_type_webhooks" (
    "id" UUID NOT NULL,
    "calcom_account_id" UUID NOT NULL,
    "team_id" INTEGER NOT NULL,
    "event_type_id" INTEGER NOT NULL,
    "calcom_webhook_id" INTEGER,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "calcom_event_type_webhooks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "calcom_event_type_webhooks_account_event_type_key" ON "calcom_event_type_webhooks"("calcom_account_id", "event_type_id");

-- AddForeignKey
ALTER TABLE "calcom_event_type_webhooks" ADD CONSTRAINT "calcom_event_type_webhooks_calcom_account_id_fkey" FOREIGN KEY ("calcom_account_id") REFERENCES "calcom_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
