#!/bin/sh
# PostgreSQL 15 from Debian, started the way the official postgres image is:
# POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB create the role and the
# database on first start; the arguments go to postgres (e.g. -c key=value).
set -eu
# The official image's command form: `postgres -c key=value ...`.
if [ "${1:-}" = postgres ]; then shift; fi
bin=/usr/lib/postgresql/15/bin
data="${PGDATA:-/var/lib/postgresql/data}"
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
# The package's socket directory, unless the container's /run hides it.
sock=/var/run/postgresql
mkdir -p "$sock" 2>/dev/null && [ -w "$sock" ] || sock=/tmp

if [ ! -s "$data/PG_VERSION" ]; then
  pwfile="$(mktemp)"
  printf '%s\n' "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}" >"$pwfile"
  "$bin/initdb" -D "$data" -U "$user" --pwfile="$pwfile" -E UTF8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$data/pg_hba.conf"
  if [ "$db" != postgres ]; then
    "$bin/pg_ctl" -D "$data" -o "-c listen_addresses='' -c unix_socket_directories=$sock" -w start >/dev/null
    psql -v ON_ERROR_STOP=1 -h "$sock" -U "$user" -d postgres -c "CREATE DATABASE \"$db\" OWNER \"$user\"" >/dev/null
    "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
  echo "debian-postgres: initialised $data (role $user, database $db)"
fi
exec "$bin/postgres" -D "$data" -c listen_addresses='*' -c unix_socket_directories="$sock" "$@"
