-- 0008: the admin list (issue 26) pages registrations of one status in the order they came,
-- and counts them per status. An area admin's list goes through the area's schools
-- (registrations_school_status); a super-admin's list of every area reads this index in
-- order and stops after one page, instead of sorting every registration.
CREATE INDEX registrations_status_created ON registrations (status, created_at, id);
