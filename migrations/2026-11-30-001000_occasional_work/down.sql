DROP TABLE occasional_service_versions;
DROP TABLE occasional_services;
DROP TABLE occasional_fundings;
DROP SEQUENCE occasional_funding_notices;
DROP TABLE occasional_clients;
DROP TABLE occasional_workers;
DROP TABLE occasional_rule_sets;
