DROP TABLE support_ticket_messages;
DROP TABLE support_tickets;
DROP TABLE faq_entries;
DELETE FROM attachments WHERE owner_kind IN ('manual', 'support_ticket');
DROP TABLE manuals;
ALTER TABLE attachments DROP CONSTRAINT attachments_owner_kind_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_owner_kind_check
    CHECK (owner_kind IN ('inquiry', 'appointment', 'message'));
ALTER TABLE attachments DROP CONSTRAINT attachments_media_type_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_media_type_check
    CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png', 'image/tiff'));
