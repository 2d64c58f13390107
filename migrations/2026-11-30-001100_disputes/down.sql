DROP TABLE occasional_disputes;
