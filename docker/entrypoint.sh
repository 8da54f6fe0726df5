#!/bin/sh
# Container entry point. `serve` (the default command) applies the PostgreSQL
# migrations first, then runs the node on $OPENHOUSE_CONFIG; any other openhouse
# command runs as given, e.g.
#   docker run IMAGE check-config /app/config/node.yaml
#   docker run IMAGE sim-llm --address 0.0.0.0 --port 9000
set -eu
config="${OPENHOUSE_CONFIG:-/app/config/node.yaml}"

if [ "$#" -eq 0 ]; then
  set -- serve
fi

if [ "$1" = "serve" ]; then
  shift
  # PostgreSQL may still be starting: retry the migration for a while.
  tries=0
  until openhouse migrate --config "$config"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
      echo "entrypoint: migrations failed 30 times; giving up" >&2
      exit 1
    fi
    sleep 2
  done
  exec openhouse serve --config "$config" "$@"
fi

exec openhouse "$@"
