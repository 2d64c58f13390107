-- An inquiry keeps the answer deadline it was given when sent: changing a topic's deadline
-- applies to inquiries sent afterwards only.
ALTER TABLE inquiries ADD COLUMN answer_deadline date;
UPDATE inquiries i
   SET answer_deadline = (i.sent_at AT TIME ZONE 'Europe/Rome')::date + t.answer_deadline_days
  FROM inquiry_topics t
 WHERE t.code = i.topic;
ALTER TABLE inquiries ALTER COLUMN answer_deadline SET NOT NULL;
