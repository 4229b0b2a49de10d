#!/usr/bin/env bash
# First start of the compose PostgreSQL: one role and one database per service, each role granted
# only its own database (PUBLIC may connect to none). Passwords come from <SVC>_DB_PASSWORD.
set -euo pipefail

for service in auth cards billing productions notifier web; do
  variable="${service^^}_DB_PASSWORD"
  password="${!variable:?${variable} must be set}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
       -v role="$service" -v password="$password" -v db="guichet_${service}" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"role";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";
SQL
done
