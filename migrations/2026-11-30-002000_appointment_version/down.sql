ALTER TABLE appointments DROP COLUMN version;
