-- WardAudit on the trust's PostgreSQL: the roles, and what each may do.
--
-- Read this first; `wardaudit trustdb init` runs exactly this file (it is shipped inside
-- the app), then the schema migrations as wardaudit_owner. Run it yourself with
--     psql "service=wardaudit-admin" -v ON_ERROR_STOP=1 -f roles.sql
-- as a superuser, or as a role with CREATEROLE that owns the database. It is safe to
-- run again: it only creates what is missing and (re)grants.
--
-- Three group roles, none of which can log in. People log in as themselves (a password
-- in their own ~/.pgpass, a client certificate, or Kerberos/GSSAPI single sign-on
-- against the trust's Active Directory, as the DBA sets up in pg_hba.conf) and are made
-- members of one group:
--     GRANT wardaudit_reader  TO "board.member@TRUST.NHS.UK";
--     GRANT wardaudit_quality TO "quality.lead@TRUST.NHS.UK";
--   wardaudit_reader   board members: read everything, change nothing
--   wardaudit_quality  the quality team: imports, action updates, wards (what the app does)
--   wardaudit_owner    owns the schema; only `wardaudit trustdb init|upgrade` use it.
--                      The app never needs it to run.
--
-- Roles belong to the whole server, not one database: if the trust runs a test and a
-- live WardAudit database on one server, both share these three roles (give each its
-- own CONNECT grants), or edit the three names below before running.
--
-- The history (table wardaudit.events) is append-only for everyone: nobody is granted
-- UPDATE, DELETE or TRUNCATE on it, and a trigger refuses them even to its owner
-- (only a superuser, or the owner deliberately dropping the trigger, could get past it).

\set ON_ERROR_STOP on

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wardaudit_owner') THEN
        CREATE ROLE wardaudit_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wardaudit_quality') THEN
        CREATE ROLE wardaudit_quality NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wardaudit_reader') THEN
        CREATE ROLE wardaudit_reader NOLOGIN;
    END IF;
END
$$;

COMMENT ON ROLE wardaudit_owner IS 'WardAudit: owns the schema; used only by trustdb init/upgrade';
COMMENT ON ROLE wardaudit_quality IS 'WardAudit: the quality team (imports, action updates)';
COMMENT ON ROLE wardaudit_reader IS 'WardAudit: read only (board members)';

-- This database: only the three groups may connect; nobody else may create objects.
-- (current_database() cannot be used in GRANT, hence the dynamic SQL.)
DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO wardaudit_reader, wardaudit_quality',
                   current_database());
    -- CREATE: the owner makes the schema and the citext extension (trusted since PG 13)
    EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO wardaudit_owner', current_database());
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;  -- the default since PostgreSQL 15

-- The schema the app works in, owned by the owner role.
CREATE SCHEMA IF NOT EXISTS wardaudit AUTHORIZATION wardaudit_owner;
COMMENT ON SCHEMA wardaudit IS 'WardAudit database';
REVOKE ALL ON SCHEMA wardaudit FROM PUBLIC;
GRANT USAGE ON SCHEMA wardaudit TO wardaudit_reader, wardaudit_quality;

-- Everything the owner creates later is readable by both groups. Writes are NOT granted
-- by default: each migration grants the quality role exactly the writes the app makes
-- on each new table (and never UPDATE/DELETE on the history).
ALTER DEFAULT PRIVILEGES FOR ROLE wardaudit_owner IN SCHEMA wardaudit
    GRANT SELECT ON TABLES TO wardaudit_reader, wardaudit_quality;
ALTER DEFAULT PRIVILEGES FOR ROLE wardaudit_owner IN SCHEMA wardaudit
    REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- psql sessions find the tables unqualified (the app sets its search_path itself).
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET search_path = wardaudit, public', current_database());
END
$$;
