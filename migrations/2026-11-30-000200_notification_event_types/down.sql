-- The preferences of the old catch-all types are not restored (the data migration is one way).
SELECT 1;
