DROP TABLE occasional_services;
DROP TABLE occasional_clients;
DROP TABLE occasional_workers;
DROP TABLE occasional_rule_sets;
