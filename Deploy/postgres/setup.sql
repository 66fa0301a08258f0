-- The PostgreSQL role and database for callhook's shared delivery queue
-- ([queue] url = "postgres://…", several replicas; docs/deploy.md).
--
-- Run once, as a superuser (or a role with CREATEROLE and CREATEDB), with
-- psql; the password comes from a psql variable, never from this file:
--
--   psql -h db.example.com -U postgres -v ON_ERROR_STOP=1 \
--        -v callhook_password="$CALLHOOK_DB_PASSWORD" -f setup.sql
--
-- What it creates, and nothing more:
--   * the login role `callhook`: no superuser, no CREATEDB, no CREATEROLE,
--     no replication, no RLS bypass, at most 50 connections;
--   * the database `callhook`, owned by the administrator who runs this
--     script (not by callhook), that only `callhook` may connect to;
--   * the schema `callhook` in it, owned by the role `callhook`: callhook
--     creates and migrates its own tables there at start, and can create
--     nothing anywhere else (no CREATE on the database or on `public`).
--
-- Running it again is harmless: each step is skipped when done (the
-- password is set again).

\set ON_ERROR_STOP on

SELECT format('CREATE ROLE callhook LOGIN PASSWORD %L', :'callhook_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callhook')
\gexec

ALTER ROLE callhook WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    NOINHERIT CONNECTION LIMIT 50 PASSWORD :'callhook_password';

SELECT 'CREATE DATABASE callhook ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'callhook')
\gexec

-- Only callhook (and the administrators) may connect; nobody else gets
-- temporary tables or a new schema in it.
REVOKE ALL ON DATABASE callhook FROM PUBLIC;
GRANT CONNECT ON DATABASE callhook TO callhook;

\connect callhook

-- PostgreSQL 15 and later already deny CREATE on `public`; older versions
-- do not, so say it.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS callhook AUTHORIZATION callhook;
ALTER ROLE callhook IN DATABASE callhook SET search_path = callhook;
