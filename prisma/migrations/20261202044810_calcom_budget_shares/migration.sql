-- AlterTable
ALTER TABLE "calcom_budgets" ADD COLUMN     "sent_by" TEXT[] DEFAULT ARRAY[]::TEXT[];
