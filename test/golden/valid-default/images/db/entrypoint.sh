#!/bin/sh
# Initialises an empty datadir once, then runs the server. Rendered by infra.
# root@localhost keeps socket authentication (`docker exec … mariadb` works as root without a password);
# root@'%' gets MARIADB_ROOT_PASSWORD for TCP. Nothing here is binlogged, so the datadir starts with no GTIDs.
set -eu
: "${MARIADB_ROOT_PASSWORD:?MARIADB_ROOT_PASSWORD must be set (infra renders it into the lab's .env)}"
datadir=/var/lib/mysql
if [ ! -d "$datadir/mysql" ]; then
  echo "infra: initialising an empty datadir"
  mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db --skip-log-bin >/dev/null
  sock=/run/mysqld/init.sock
  mariadbd --user=mysql --skip-networking --skip-log-bin --socket="$sock" &
  pid=$!
  i=0
  until mariadb-admin --socket="$sock" ping >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 120 ] || { echo "infra: init server did not start" >&2; exit 1; }
    sleep 0.25
  done
  mariadb --socket="$sock" <<SQL
SET SESSION sql_log_bin = 0;
CREATE USER 'root'@'%' IDENTIFIED BY '${MARIADB_ROOT_PASSWORD}';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
  kill "$pid"
  wait "$pid" || true
  echo "infra: datadir ready"
fi
# my.cnf skips replica start so nothing replicates before infra has configured it. Once infra has (master.info
# exists), a restart must resume replication, read-only as infra left it, without waiting for the next `infra up`.
if [ -s "$datadir/master.info" ]; then
  set -- "$@" --skip-slave-start=0 --read-only=1
fi
exec "$@"
