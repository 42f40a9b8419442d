#!/bin/sh
# infra's own database user, made by the official image's entrypoint on a new datadir. Rendered by infra.
: "${INFRA_ADMIN_PASSWORD:?INFRA_ADMIN_PASSWORD must be set (infra renders it into the lab's .env)}"
docker_process_sql <<SQL
SET SESSION sql_log_bin = 0;
CREATE USER IF NOT EXISTS 'infra'@'%' IDENTIFIED BY '${INFRA_ADMIN_PASSWORD}';
GRANT RELOAD, BINLOG ADMIN, REPLICATION SLAVE ADMIN, REPLICA MONITOR, READ_ONLY ADMIN, REPLICATION MASTER ADMIN ON *.* TO 'infra'@'%';
GRANT REPLICATION SLAVE, CREATE USER ON *.* TO 'infra'@'%' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON footer.* TO 'infra'@'%' WITH GRANT OPTION;
SQL
