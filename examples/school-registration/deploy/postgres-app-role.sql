-- postgres-app-role.sql: the grants of the app's own PostgreSQL role when another role owns the
-- tables, so that the app cannot delete, change or empty the audit trail (README, Deploy it,
-- "PostgreSQL with two roles"). The app still purges the trail after AUDIT_RETENTION_DAYS, through
-- the function audit_log_purge, which runs as its owner and which the database's triggers limit
-- to records older than a year and a purge note dated by the database's clock.
--
-- The roles: schoolreg_owner owns the database and its tables and runs the migrations
-- (`school-registration -migrate` with its DATABASE_URL); schoolreg_app is the app's DATABASE_URL.
-- Rename them below if yours differ. Created once by the PostgreSQL superuser:
--   CREATE ROLE schoolreg_owner LOGIN PASSWORD '...';
--   CREATE ROLE schoolreg_app LOGIN PASSWORD '...';
--   CREATE DATABASE schoolreg OWNER schoolreg_owner;
--
-- Run this file as schoolreg_owner after `school-registration -migrate`, and again after each
-- upgrade's -migrate (a new table is granted only then):
--   psql 'postgres://schoolreg_owner@db.internal:5432/schoolreg' -v ON_ERROR_STOP=1 -f postgres-app-role.sql
-- It can run any number of times.

-- Only the owner creates objects in the schema (the default from PostgreSQL 15 on).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO schoolreg_app;

-- Every table: read and write rows, nothing else (no TRUNCATE, TRIGGER or REFERENCES).
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM schoolreg_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO schoolreg_app;

-- The audit trail: read and append only. The migrations: read only.
REVOKE UPDATE, DELETE ON audit_log FROM schoolreg_app;
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM schoolreg_app;

-- The retention purge.
GRANT EXECUTE ON FUNCTION audit_log_purge(TEXT, TIMESTAMP, TIMESTAMP, TEXT) TO schoolreg_app;
