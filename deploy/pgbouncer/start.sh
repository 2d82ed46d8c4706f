#!/bin/sh
# PgBouncer's start in docker-compose.yml: its users, the four services' application roles, with
# the passwords the environment gives (PgBouncer logs in to PostgreSQL with them, by SCRAM), in
# a file of its own user's alone; nothing written to the image or a volume.
set -eu
umask 077
mkdir -p /tmp/govmb-pgbouncer
: > /tmp/govmb-pgbouncer/userlist.txt
for service in registry publishing inquiry assessment; do
    variable="$(echo "$service" | tr a-z A-Z)_DB_APP_PASSWORD"
    eval "password=\${$variable:?set $variable}"
    printf '"%s_app" "%s"\n' "$service" "$password" >> /tmp/govmb-pgbouncer/userlist.txt
done
exec pgbouncer /etc/pgbouncer/govmb.ini
