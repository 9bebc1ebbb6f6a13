-- CreateTable
CREATE TABLE "calcom_requests" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "sent_at" BIGINT NOT NULL,

    CONSTRAINT "calcom_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "calcom_requests_key_sent_at_idx" ON "calcom_requests"("key", "sent_at");

