-- CreateTable
CREATE TABLE "calcom_budgets" (
    "key" TEXT NOT NULL,
    "sent_at" BIGINT[],
    "last_wait" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "calcom_budgets_pkey" PRIMARY KEY ("key")
);
