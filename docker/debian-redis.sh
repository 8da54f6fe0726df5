#!/bin/sh
# redis-server from Debian, run with the command compose gives the official
# image; Debian's default protected mode would refuse the other containers
# (the official image's configuration turns it off).
set -eu
exec "$@" --protected-mode no
