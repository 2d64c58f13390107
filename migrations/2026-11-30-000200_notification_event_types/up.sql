-- Event types are now one per change: a preference for the old catch-all `delegation_changed`
-- becomes one for each delegation event; types no service emits yet are dropped (their service
-- adds them back with its events).
INSERT INTO notification_preferences (tax_code, event_type, channels, frequency, updated_at)
SELECT p.tax_code, t.event_type, p.channels, p.frequency, p.updated_at
FROM notification_preferences p
CROSS JOIN (VALUES ('delegation_requested'), ('delegation_accepted'), ('delegation_rejected'),
                   ('delegation_revoked'), ('delegation_expiring')) AS t (event_type)
WHERE p.event_type = 'delegation_changed'
ON CONFLICT DO NOTHING;
DELETE FROM notification_preferences
WHERE event_type NOT IN ('inquiry_answered', 'delegation_requested', 'delegation_accepted',
                         'delegation_rejected', 'delegation_revoked', 'delegation_expiring',
                         'role_granted', 'role_revoked', 'contacts_changed');
