DELETE FROM scheduled_jobs
    WHERE kind IN ('recurring_services_generation', 'occasional_service_reminder', 'libretto_report_due');
ALTER TABLE scheduled_jobs DROP CONSTRAINT scheduled_jobs_kind_check;
ALTER TABLE scheduled_jobs ADD CONSTRAINT scheduled_jobs_kind_check
    CHECK (kind IN ('delegation_expiring', 'appointment_reminder'));
DROP TABLE occasional_recurring_occurrences;
DROP TABLE occasional_recurring_rules;
