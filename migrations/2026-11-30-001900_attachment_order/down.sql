DROP INDEX attachments_by_owner;
ALTER TABLE attachments DROP COLUMN position;
CREATE INDEX attachments_by_owner ON attachments (owner_kind, owner_id, created_at);
