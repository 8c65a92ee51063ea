#!/usr/bin/env bash
# Runs once, when the PostgreSQL volume is initialised (after the postgis image's own init), as
# the superuser POSTGRES_USER. Creates the least-privilege roles of docker-compose.yml:
#   smartgrid_owner  owns the database and every table; the apps run their migrations as it
#   smartgrid_um     user-management's login role (granted what it needs after the migrations)
#   smartgrid_dp     data-processing's login role (likewise; nothing of users or the audit log)
# For a volume created before these roles existed, run this script by hand once, then hand the
# existing tables to the owner: REASSIGN OWNED BY smartgrid TO smartgrid_owner (in the smartgrid DB)
# (docker compose exec postgres bash /docker-entrypoint-initdb.d/20-smartgrid-roles.sh).
set -euo pipefail
: "${POSTGRES_OWNER_PASSWORD:?}" "${POSTGRES_UM_PASSWORD:?}" "${POSTGRES_DP_PASSWORD:?}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_pw="$POSTGRES_OWNER_PASSWORD" -v um_pw="$POSTGRES_UM_PASSWORD" -v dp_pw="$POSTGRES_DP_PASSWORD" <<'SQL'
SELECT 'CREATE ROLE smartgrid_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'smartgrid_owner') \gexec
SELECT 'CREATE ROLE smartgrid_um' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'smartgrid_um') \gexec
SELECT 'CREATE ROLE smartgrid_dp' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'smartgrid_dp') \gexec
ALTER ROLE smartgrid_owner WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_pw';
ALTER ROLE smartgrid_um WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'um_pw';
ALTER ROLE smartgrid_dp WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'dp_pw';
SELECT format('ALTER DATABASE %I OWNER TO smartgrid_owner', current_database()) \gexec
SQL
