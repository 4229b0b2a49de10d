#!/usr/bin/env bash
# First start of PostgreSQL: one role and one database per service, each role granted only its own
# database (PUBLIC may connect to none). A role's password comes from <SVC>_DB_PASSWORD, or from the file
# <SVC>_DB_PASSWORD_FILE names (compose mounts it from the secret of that name).
set -euo pipefail

for service in auth cards billing productions notifier web; do
  variable="${service^^}_DB_PASSWORD"
  file_variable="${variable}_FILE"
  if [ -z "${!variable:-}" ] && [ -n "${!file_variable:-}" ]; then
    password="$(cat "${!file_variable}")"
  else
    password="${!variable:-}"
  fi
  [ -n "$password" ] || { echo "${variable} (or ${file_variable}) must name a password" >&2; exit 1; }
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
       -v role="$service" -v password="$password" -v db="guichet_${service}" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"role";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";
SQL
done
