-- 0008: names as ThaID sends them (issue 21.8). A registration keeps the title and the middle
-- name beside the given and family names, and the English parts where ThaID sent them. Rows
-- written before keep their given and family names as they were; their new parts are empty.
ALTER TABLE registrations ADD COLUMN title TEXT NOT NULL DEFAULT '';

ALTER TABLE registrations ADD COLUMN middle_name TEXT NOT NULL DEFAULT '';

ALTER TABLE registrations ADD COLUMN title_en TEXT NOT NULL DEFAULT '';

ALTER TABLE registrations ADD COLUMN given_name_en TEXT NOT NULL DEFAULT '';

ALTER TABLE registrations ADD COLUMN middle_name_en TEXT NOT NULL DEFAULT '';

ALTER TABLE registrations ADD COLUMN family_name_en TEXT NOT NULL DEFAULT '';
