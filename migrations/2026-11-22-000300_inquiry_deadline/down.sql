ALTER TABLE inquiries DROP COLUMN answer_deadline;
