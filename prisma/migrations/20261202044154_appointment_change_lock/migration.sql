-- AlterTable
ALTER TABLE "appointments" ADD COLUMN     "change_locked_by" TEXT,
ADD COLUMN     "change_locked_until" TIMESTAMPTZ(3);
