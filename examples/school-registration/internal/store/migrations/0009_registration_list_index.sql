-- 0009: the admin list (issue 26) pages the registrations of one status in the order they came,
-- and counts them per status. With this index the list reads them in that order and stops after
-- one page, instead of sorting every registration of the status (the list of every area, for a
-- super-admin, most of all).
CREATE INDEX registrations_status_created ON registrations (status, created_at, id);
