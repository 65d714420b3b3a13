#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty data volume (docker-entrypoint-initdb.d): the synthetic
# hospital database of the demo and the SELECT-only login the portal reads it with (what an owner would hand over).
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres -qc 'CREATE DATABASE hospital'
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d hospital -q -v patients="${DEMO_PATIENTS:-100000}" -v seed=0.42 -f /demo/hospital.sql >/dev/null
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d hospital -q -v password="$HOSPITAL_READER_PASSWORD" <<'SQL'
CREATE ROLE hospital_reader LOGIN PASSWORD :'password';
GRANT CONNECT ON DATABASE hospital TO hospital_reader;
GRANT USAGE ON SCHEMA public TO hospital_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO hospital_reader;
SQL
