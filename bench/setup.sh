#!/bin/sh
# Install what bench/run.sh needs on Debian 12, besides jaildaemon's own
# build dependencies (scripts/setup.sh). Run as root. Idempotent.
#   webhook          the HTTP hook runner it is compared with
#   openssh-server   sshd for the forced-command contender (run on 127.0.0.1
#                    with its own config and keys; the system's sshd is
#                    never started or touched)
#   openssh-client   ssh, ssh-keygen
#   gnuplot-nox      the chart (bench/latency.png)
#   gcc libc6-dev    the harness, the floor and the static stamp command
#   util-linux procps iproute2 coreutils   unshare, pgrep, ss, shuf
set -eu
if [ "$(id -u)" != 0 ]; then
    echo "bench/setup.sh: run as root (apt-get)" >&2
    exit 77
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    webhook openssh-server openssh-client gnuplot-nox \
    gcc libc6-dev util-linux procps iproute2 coreutils \
    >/dev/null
echo "bench/setup.sh: packages installed"
