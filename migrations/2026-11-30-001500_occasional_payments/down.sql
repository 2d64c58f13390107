DROP TABLE occasional_payment_services;
DROP TABLE occasional_payments;
DROP TABLE occasional_payment_runs;
