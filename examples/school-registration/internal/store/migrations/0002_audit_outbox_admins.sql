-- 0002: the audit trail, the mail outbox, super-admins, and area admins managed in the app.

-- The audit trail (PDPA): who did what, when, and why. People are recorded by masked PID
-- and name only. Rows are never updated (0003 makes the database refuse it); the only
-- deletion is the retention purge, which writes an 'audit_purged' note that is kept.
CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    action       TEXT NOT NULL,
    area_code    TEXT NOT NULL DEFAULT '',
    school_code  TEXT NOT NULL DEFAULT '',
    actor        TEXT NOT NULL,
    actor_name   TEXT NOT NULL DEFAULT '',
    subject      TEXT NOT NULL DEFAULT '',
    subject_name TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT ''
);

CREATE INDEX audit_log_area_at ON audit_log (area_code, at);

CREATE INDEX audit_log_at ON audit_log (at);

-- Mail to send: written in the transaction of the decision it reports, sent and retried by
-- the app's outbox worker, so that a message survives a restart and an SMTP outage.
CREATE TABLE outbox (
    id         TEXT PRIMARY KEY,
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    TIMESTAMP NOT NULL,
    sent_at    TIMESTAMP,
    last_error TEXT NOT NULL DEFAULT ''
);

CREATE INDEX outbox_due ON outbox (next_at);

-- source: 'config' rows are made exactly ADMIN_PIDS at every start; 'app' rows were assigned by
-- a super-admin and are kept. id names a row in forms without showing the PID.
ALTER TABLE area_admins ADD COLUMN source TEXT NOT NULL DEFAULT 'config';

ALTER TABLE area_admins ADD COLUMN id TEXT NOT NULL DEFAULT '';

-- Super-admins assign and remove area admins. source: 'config' (ADMIN_PIDS PID:*) or
-- 'command' (-add-super-admin).
CREATE TABLE super_admins (
    pid    TEXT PRIMARY KEY,
    source TEXT NOT NULL
);
