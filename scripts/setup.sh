#!/bin/sh
# Install what building, the demo and the tests need on Debian 12.
# Run as root. Idempotent.
set -eu
if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: run as root (apt-get)" >&2
    exit 77
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    g++ pkg-config cmake meson ninja-build \
    libboost1.81-dev libboost-program-options1.81-dev libboost-json1.81-dev \
    doctest-dev \
    util-linux procps psmisc busybox-static python3 lxc podman runc \
    shellcheck mandoc clang-format clang libclang-rt-14-dev \
    debhelper dpkg-dev lintian systemd git \
    strace \
    libbsd-dev gcovr \
    >/dev/null
# tests/e2e/docker.sh: a private dockerd (with its containerd, runc and
# docker-init), and jq for docker's and the daemon's JSON. A system
# dockerd the package may start is never used by the tests.
apt-get install -y -qq --no-install-recommends docker.io jq >/dev/null
# Boost.Process v2 (core/capture.cpp) links Boost.Filesystem in 1.81.
apt-get install -y -qq --no-install-recommends libboost-filesystem1.81-dev >/dev/null
# capsh: the container attackers of tests/e2e/attacker_watch.sh.
apt-get install -y -qq --no-install-recommends libcap2-bin >/dev/null
echo "setup.sh: packages installed"
