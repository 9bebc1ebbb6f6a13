-- CreateIndex
CREATE INDEX "appointments_calcom_account_id_attendee_phone_idx" ON "appointments"("calcom_account_id", "attendee_phone");

-- CreateIndex
CREATE INDEX "appointments_calcom_account_id_attendee_email_idx" ON "appointments"("calcom_account_id", "attendee_email");

-- `find` looks callers up exactly: emails are stored lower-case, phones given in international form as E.164 (new
-- rows are written so, and this brings the rows already there in line).
UPDATE "appointments" SET "attendee_email" = lower(btrim("attendee_email")) WHERE "attendee_email" IS NOT NULL AND "attendee_email" <> lower(btrim("attendee_email"));
UPDATE "appointments" SET "attendee_phone" = regexp_replace("attendee_phone", '[^0-9+]', '', 'g') WHERE "attendee_phone" LIKE '+%' AND "attendee_phone" ~ '[^0-9+]';
