-- 0010: what an office with several areas and admins needs day to day (issue 25).

-- A registration keeps its last decision (approved, rejected or revoked) and the name of the admin
-- who made it, beside decided_by (their masked PID). A revocation used to be stored as a rejection
-- like any other, so a registration rejected before this migration has an empty decision: rejected
-- or revoked, which the database did not record. An approved one is approved.
ALTER TABLE registrations ADD COLUMN decision TEXT NOT NULL DEFAULT '';

ALTER TABLE registrations ADD COLUMN decided_by_name TEXT NOT NULL DEFAULT '';

UPDATE registrations SET decision = 'approved' WHERE status = 'approved';

-- The office's contact, per area, edited in the app by the area's admins or a super-admin: the
-- decision mail (which says "do not reply") and the status page give it to the applicant.
-- Importing areas again keeps it.
ALTER TABLE areas ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';

ALTER TABLE areas ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';

-- An audit entry about a registration (registered, a decision, an undelivered mail) names it, so
-- that the page of the registration lists its entries and a failed mail's entry links to it.
ALTER TABLE audit_log ADD COLUMN registration_id TEXT NOT NULL DEFAULT '';

CREATE INDEX audit_log_registration ON audit_log (registration_id) WHERE registration_id <> '';

-- The name of each admin (area admin or super-admin) as their own ThaID login last sent it, for
-- the super-admin's page and the audit trail. Written at an admin's login; deleted when the
-- person is no longer an admin of any kind.
CREATE TABLE admin_names (
    pid            TEXT PRIMARY KEY,
    title          TEXT NOT NULL DEFAULT '',
    given_name     TEXT NOT NULL DEFAULT '',
    middle_name    TEXT NOT NULL DEFAULT '',
    family_name    TEXT NOT NULL DEFAULT '',
    title_en       TEXT NOT NULL DEFAULT '',
    given_name_en  TEXT NOT NULL DEFAULT '',
    middle_name_en TEXT NOT NULL DEFAULT '',
    family_name_en TEXT NOT NULL DEFAULT '',
    recorded_at    TIMESTAMP NOT NULL
);
