# HAProxy from Debian with the fleet's configuration (docker/haproxy.cfg).
# Build context: docker/.
ARG BASE=debian:12
FROM ${BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy \
 && rm -rf /var/lib/apt/lists/*
COPY haproxy.cfg /etc/haproxy/haproxy.cfg
USER haproxy
EXPOSE 8080 8404
# SIGUSR1 is HAProxy's soft stop: it stops listening and finishes the
# requests in flight.
STOPSIGNAL SIGUSR1
CMD ["haproxy", "-W", "-db", "-f", "/etc/haproxy/haproxy.cfg"]
