#!/usr/bin/env bash
# A CI job's lab that leaves nothing behind: remove what killed jobs left (reap), boot on a free port with a TTL
# (the backstop if this job is killed before its trap runs), run the smoke checks with a JUnit report, and remove
# the lab with its volumes whatever happened. The e2e suite runs this file as it is.
#   usage: examples/ci/smoke-lab.sh [lab-name]      env: INFRA (default: infra), JUNIT_FILE (default: smoke.xml)
set -euo pipefail
infra="${INFRA:-infra}"
lab="${1:-ci-${CI_JOB_ID:-${GITHUB_RUN_ID:-$$}}}"

"$infra" reap
trap '"$infra" down --name "$lab" --volumes' EXIT
"$infra" up --name "$lab" --port auto --ttl 30m --no-smoke
# failover stops a web server for a few seconds: leave it to the full suite, keep CI's check fast.
"$infra" smoke --name "$lab" --junit "${JUNIT_FILE:-smoke.xml}" --skip failover
