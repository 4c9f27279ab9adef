-- Schemas, roles and grants of the PostgreSQL warehouse (phân quyền kho dữ liệu), managed by the project.
--
-- Applied by an administrator (a role with CREATEROLE that owns the schemas), never by hand and never by the
-- pipeline: `python -m orchestration.lib.warehouse.roles apply` (docs/warehouse-postgres.md). Idempotent:
-- every run brings the database back to exactly these grants.
--
--   hue_pipeline   writes every layer: raw_* (lake loader), reference (seeds), staging, intermediate, marts,
--                  restricted, published, data_quality (standardisation issue counts); may only INSERT
--                  and SELECT the population audit trail
--   hue_analyst    reads marts, nothing else
--   hue_publisher  reads published (views of what the portal publishes), nothing else
--   restricted     pseudonymised person-level data: the pipeline alone reads it. The pseudonymisation key
--                  itself never enters the warehouse (it lives in HUE_PSEUDONYM_KEY, outside).
--
-- Why default privileges rather than dbt `grants`: dbt rebuilds a table by creating a new one, so grants
-- would have to be re-issued after every model (one statement per model, ~600 of them); ALTER DEFAULT
-- PRIVILEGES gives each new relation of the pipeline its readers once, here, and dbt cannot create roles,
-- schemas or the audit trigger anyway.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hue_pipeline') THEN
        CREATE ROLE hue_pipeline LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hue_analyst') THEN
        CREATE ROLE hue_analyst LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hue_publisher') THEN
        CREATE ROLE hue_publisher LOGIN;
    END IF;
    -- Connect only: every read below is granted per schema.
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO hue_pipeline, hue_analyst, hue_publisher', current_database());
    -- dbt issues `create schema if not exists` for every schema it uses, and PostgreSQL checks the CREATE
    -- privilege on the database before it looks whether the schema exists: the pipeline needs it. A schema
    -- it creates that is not listed here is readable by the pipeline alone.
    EXECUTE format('GRANT CREATE, TEMPORARY ON DATABASE %I TO hue_pipeline', current_database());
END
$$;

REVOKE ALL ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA IF NOT EXISTS raw_one_stop;
CREATE SCHEMA IF NOT EXISTS raw_population;
CREATE SCHEMA IF NOT EXISTS raw_digitization;
CREATE SCHEMA IF NOT EXISTS raw_open_data;
CREATE SCHEMA IF NOT EXISTS reference;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS intermediate;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS restricted;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS published;
CREATE SCHEMA IF NOT EXISTS data_quality;

-- Start from nothing, then grant exactly what the roles need (a rerun also takes back grants added by hand).
REVOKE ALL ON SCHEMA raw_one_stop, raw_population, raw_digitization, raw_open_data, reference, staging,
    intermediate, marts, restricted, audit, published, data_quality FROM PUBLIC, hue_analyst, hue_publisher;
REVOKE ALL ON ALL TABLES IN SCHEMA raw_one_stop, raw_population, raw_digitization, raw_open_data, reference,
    staging, intermediate, restricted, audit, data_quality FROM PUBLIC, hue_analyst, hue_publisher;
REVOKE ALL ON ALL TABLES IN SCHEMA marts FROM PUBLIC, hue_publisher;
REVOKE ALL ON ALL TABLES IN SCHEMA published FROM PUBLIC, hue_analyst;

-- The pipeline writes every layer (it owns what it creates there) ...
GRANT USAGE, CREATE ON SCHEMA raw_one_stop, raw_population, raw_digitization, raw_open_data, reference,
    staging, intermediate, marts, restricted, published, data_quality TO hue_pipeline;
-- ... but in audit it may only append (table below); it cannot create or replace anything there.
REVOKE CREATE ON SCHEMA audit FROM hue_pipeline;
GRANT USAGE ON SCHEMA audit TO hue_pipeline;

-- Analysts read marts: what exists now, and every table the pipeline creates there later.
GRANT USAGE ON SCHEMA marts TO hue_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA marts TO hue_analyst;
ALTER DEFAULT PRIVILEGES FOR ROLE hue_pipeline IN SCHEMA marts GRANT SELECT ON TABLES TO hue_analyst;

-- The publisher reads the published views (owned by the pipeline, so they read marts on its behalf).
GRANT USAGE ON SCHEMA published TO hue_publisher;
GRANT SELECT ON ALL TABLES IN SCHEMA published TO hue_publisher;
ALTER DEFAULT PRIVILEGES FOR ROLE hue_pipeline IN SCHEMA published GRANT SELECT ON TABLES TO hue_publisher;

-- The population audit trail (nhật ký tra cứu dân cư): append-only. Owned by the administrator, so the
-- pipeline can neither alter the table nor disable its triggers.
CREATE TABLE IF NOT EXISTS audit.population_lookups (
    seq          bigint      PRIMARY KEY,
    logged_at    timestamptz NOT NULL,
    officer      text        NOT NULL,
    service_code text        NOT NULL,
    purpose      text        NOT NULL,
    request_id   text        NOT NULL,
    dossier_code text,
    outcome      text        NOT NULL,
    prev_hash    text        NOT NULL,
    hash         text        NOT NULL UNIQUE,
    loaded_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE audit.population_lookups IS
    'Nhật ký tra cứu CSDL quốc gia về dân cư (append-only, hash-chained): who, which service, why, when.';
REVOKE ALL ON audit.population_lookups FROM PUBLIC, hue_pipeline, hue_analyst, hue_publisher;
GRANT SELECT, INSERT ON audit.population_lookups TO hue_pipeline;

-- Even the owner cannot change history: statement-level, so an UPDATE or DELETE matching no row fails too.
CREATE OR REPLACE FUNCTION audit.reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.% is append-only: % is not allowed (nhật ký chỉ được ghi thêm)',
        TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
REVOKE ALL ON FUNCTION audit.reject_change() FROM PUBLIC;
DROP TRIGGER IF EXISTS population_lookups_append_only ON audit.population_lookups;
CREATE TRIGGER population_lookups_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit.population_lookups
    FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();
