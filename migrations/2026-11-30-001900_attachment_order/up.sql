-- Several files of one upload share `created_at` (one transaction, one clock reading), so listing
-- by it returned them in an arbitrary order. Each attachment now carries its position among its
-- owner's files (1, 2, 3... in the order they were sent; a deleted file leaves a gap), unique per
-- owner, and lists are ordered by it. Existing rows are numbered in their previous order.
ALTER TABLE attachments ADD COLUMN position integer;
UPDATE attachments a SET position = n.position
FROM (
    SELECT id, row_number() OVER (PARTITION BY owner_kind, owner_id ORDER BY created_at, id) AS position
    FROM attachments
) n
WHERE a.id = n.id;
ALTER TABLE attachments ALTER COLUMN position SET NOT NULL;
ALTER TABLE attachments ADD CONSTRAINT attachments_position_check CHECK (position > 0);
DROP INDEX attachments_by_owner;
CREATE UNIQUE INDEX attachments_by_owner ON attachments (owner_kind, owner_id, position);
