// Client side: naming a Linux container by its manager. "docker:NAME",
// "podman:NAME", "machine:NAME" and "lxc:NAME" are resolved by the client,
// which asks the manager's own CLI for the container's leader pid and sends
// "pid:N@MGR:NAME" to the daemon (linux/jail.cpp opens it). The daemon never
// runs a manager's CLI.
#pragma once

#include "error.hpp"

#include <string>

namespace jd {

// Whether spec starts with one of the manager prefixes above.
bool is_manager_spec(const std::string& spec);

// Rewrite a manager spec into "pid:N@MGR:NAME"; other specs are left alone
// (the daemon checks them). Returns false with err when the name is bad, the
// CLI is missing, fails or does not answer within timeout_ms, or the
// container is not running.
bool resolve_manager_spec(std::string& spec, Error& err, int timeout_ms = 30000);

// Backend (linux/, freebsd/container_spec.cpp): true with err (EX_USAGE_)
// when spec is a manager spec and this system has no such managers
// (FreeBSD); false otherwise. The FreeBSD daemon refuses such specs with
// the same words.
bool manager_spec_refused(const std::string& spec, Error& err);

} // namespace jd
