# Redis, PostgreSQL or Prometheus from Debian packages, for machines without
# an image registry (docker/compose.podman.yaml; scripts/compose-test builds
# BASE with debootstrap). The shipped compose.yaml uses the official images.
# Build context: docker/.
ARG BASE=localhost/debian:12
FROM ${BASE}
ARG PACKAGES
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${PACKAGES} \
 && rm -rf /var/lib/apt/lists/*
COPY debian-postgres.sh /usr/local/bin/debian-postgres
COPY debian-redis.sh /usr/local/bin/debian-redis
RUN chmod 0755 /usr/local/bin/debian-postgres /usr/local/bin/debian-redis \
 && if id postgres >/dev/null 2>&1; then \
      install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data; fi \
 && if command -v prometheus >/dev/null 2>&1; then \
      install -d -o nobody -g nogroup /prometheus; fi
