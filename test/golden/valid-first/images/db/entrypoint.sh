#!/bin/sh
# Initialises an empty datadir once, then runs the server. Rendered by infra.
# The system tables were made at image build (mariadb-install-db into /usr/share/infra/datadir): a first start only
# copies them and creates root@'%' with MARIADB_ROOT_PASSWORD for TCP, through --init-file, not binlogged, so the
# datadir starts with no GTIDs. root@localhost keeps socket authentication (`docker exec … mariadb` works as root).
set -eu
: "${MARIADB_ROOT_PASSWORD:?MARIADB_ROOT_PASSWORD must be set (infra renders it into the lab's .env)}"
datadir=/var/lib/mysql
if [ ! -d "$datadir/mysql" ]; then
  echo "infra: initialising an empty datadir"
  cp -a /usr/share/infra/datadir/. "$datadir/"
  init=/run/mysqld/infra-init.sql
  cat >"$init" <<SQL
SET SESSION sql_log_bin = 0;
CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '${MARIADB_ROOT_PASSWORD}';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
SQL
  chown mysql:mysql "$init"
  chmod 600 "$init"
  set -- "$@" --init-file="$init"
fi
# my.cnf skips replica start so nothing replicates before infra has configured it. Once infra has (master.info
# exists), a restart must resume replication, read-only as infra left it, without waiting for the next `infra up`.
if [ -s "$datadir/master.info" ]; then
  set -- "$@" --skip-slave-start=0 --read-only=1
fi
exec "$@"
