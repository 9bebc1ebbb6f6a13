-- Teams: who hosts an appointment (the member a round-robin team event went to), and the team whose event type it is
ALTER TABLE "appointments" ADD COLUMN "host_name" TEXT;
ALTER TABLE "appointments" ADD COLUMN "calcom_team_id" INTEGER;
