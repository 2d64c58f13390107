DROP INDEX persons_name_key;
DROP FUNCTION occasional_name_key(text);
