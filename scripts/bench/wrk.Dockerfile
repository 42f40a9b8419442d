# wrk from Debian's package, for scripts/bench-tls.mjs (not part of any lab).
FROM debian:trixie-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
