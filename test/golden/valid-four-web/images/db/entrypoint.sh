#!/bin/sh
# Initialises an empty datadir once, then runs the server. Rendered by infra.
# The system tables were made at image build (mariadb-install-db into /usr/share/infra/datadir): a first start only
# copies them and creates infra's own user, infra@'%', with just the grants infra uses, through --init-file, not
# binlogged, so the datadir starts with no GTIDs. root stays on localhost with socket authentication
# (`docker exec … mariadb` works as root); nothing reaches root over the network.
set -eu
: "${INFRA_ADMIN_PASSWORD:?INFRA_ADMIN_PASSWORD must be set (infra renders it into the lab's .env)}"
datadir=/var/lib/mysql
if [ ! -d "$datadir/mysql" ]; then
  echo "infra: initialising an empty datadir"
  cp -a /usr/share/infra/datadir/. "$datadir/"
  init=/run/mysqld/infra-init.sql
  cat >"$init" <<SQL
SET SESSION sql_log_bin = 0;
CREATE USER IF NOT EXISTS 'infra'@'%' IDENTIFIED BY '${INFRA_ADMIN_PASSWORD}';
GRANT RELOAD, BINLOG ADMIN, REPLICATION SLAVE ADMIN, REPLICA MONITOR, READ_ONLY ADMIN, REPLICATION MASTER ADMIN ON *.* TO 'infra'@'%';
GRANT REPLICATION SLAVE, CREATE USER ON *.* TO 'infra'@'%' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON footer.* TO 'infra'@'%' WITH GRANT OPTION;
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
