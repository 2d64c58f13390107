-- A central operator's appointment list has no employer, manager or point to start from: it walks
-- every appointment latest slot first (keyset `(slot_start, id) <`), which without this index is a
-- sort of the whole table for each page.
CREATE INDEX appointments_by_slot ON appointments (slot_start DESC, id DESC);
