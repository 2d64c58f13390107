DROP INDEX appointments_by_slot;
