-- 0006: a message that cannot be delivered (the mail server refused it for good with a 5xx
-- answer to its recipient or content, or its last attempt failed) is marked failed
-- (failed_at) and never tried again. registration_id names the registration the message
-- reports, so that the failure is written to the audit trail of its area.
ALTER TABLE outbox ADD COLUMN registration_id TEXT NOT NULL DEFAULT '';

ALTER TABLE outbox ADD COLUMN failed_at TIMESTAMP;
