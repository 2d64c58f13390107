-- Lists of occasional-work services: the worker-name filter.
--
-- `occasional_name_key` folds a name for matching: Latin accents removed, lower case, so
-- `worker_name=nicolo` finds Nicolò and `NICOLÒ` alike. The same function folds the query, and a
-- trigram index over the folded full name (given name, space, family name) of every person
-- serves the substring match (`LIKE '%...%'`) of every query word of three characters or more.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION occasional_name_key(name text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(translate(name, 'àÀáÁâÂãÃäÄåÅāĀăĂąĄèÈéÉêÊëËēĒėĖęĘěĚìÌíÍîÎïÏīĪįĮòÒóÓôÔõÕöÖøØōŌùÙúÚûÛüÜūŪůŮűŰųŲçÇćĆčČñÑńŃňŇśŚšŠşŞźŹżŻžŽýÝÿŸđĐłŁ', 'aaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiiiiiiiiiioooooooooooooouuuuuuuuuuuuuuuuccccccnnnnnnsssssszzzzzzyyyyddll'));

CREATE INDEX persons_name_key ON persons
    USING gin (occasional_name_key(given_name || ' ' || family_name) gin_trgm_ops);
