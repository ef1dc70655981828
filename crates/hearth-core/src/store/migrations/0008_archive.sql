-- A conversation's identity beyond this database: an exported conversation imported again is
-- recognised by it and not duplicated.
ALTER TABLE conversations ADD COLUMN uid TEXT;
UPDATE conversations SET uid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX conversations_by_uid ON conversations (uid);
