#include "container_spec.hpp"

#include "capture.hpp"
#include "number.hpp"

#include <cctype>
#include <cerrno>
#include <vector>

namespace jd {

namespace {

const char* const kManagers[] = {"docker", "podman", "machine", "lxc"};

// The command that prints the leader pid of container name.
std::vector<std::string> pid_command(const std::string& mgr, const std::string& name) {
    if (mgr == "docker" || mgr == "podman")
        return {mgr, "inspect", "--format", "{{.State.Pid}}", "--", name};
    if (mgr == "machine")
        return {"machinectl", "show", "--property=Leader", "--value", "--", name};
    return {"lxc-info", "-p", "-H", "-n", name};
}

// The first line of what a CLI said on stderr, at most 200 bytes and only
// printable characters: the CLI is the host's, but one line is all the
// client shows.
std::string first_line(const std::string& s) {
    std::string line;
    for (char c : s.substr(0, s.find('\n'))) {
        if (line.size() == 200)
            break;
        line += isprint(static_cast<unsigned char>(c)) ? c : '?';
    }
    return line;
}

// docker and podman answer a container they do not know with "No such
// object" on stderr ("Error: No such object: web"; podman: "no such
// object: \"web\""); any other failure means the CLI could not ask its
// engine (no dockerd on the socket, a refused connection, ...).
bool engine_unreachable(const std::string& mgr, const Captured& c) {
    if (mgr != "docker" && mgr != "podman")
        return false;
    std::string lower;
    for (char ch : c.errout)
        lower += static_cast<char>(tolower(static_cast<unsigned char>(ch)));
    return lower.find("no such") == std::string::npos;
}

bool valid_name(const std::string& s) {
    if (s.empty() || s.size() > 128 || s[0] == '-')
        return false;
    for (char c : s)
        if (!(isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
            return false;
    return true;
}

} // namespace

bool is_manager_spec(const std::string& spec) {
    auto colon = spec.find(':');
    if (colon == std::string::npos)
        return false;
    for (const char* m : kManagers)
        if (spec.compare(0, colon, m) == 0)
            return true;
    return false;
}

bool resolve_manager_spec(std::string& spec, Error& err, int timeout_ms) {
    if (!is_manager_spec(spec))
        return true;
    if (manager_spec_refused(spec, err))
        return false;
    auto colon = spec.find(':');
    std::string mgr = spec.substr(0, colon), name = spec.substr(colon + 1);
    if (!valid_name(name)) {
        err.set(EX_USAGE_, "bad " + mgr + " container name \"" + name + "\"");
        return false;
    }
    std::vector<std::string> argv = pid_command(mgr, name);
    Captured c;
    std::string why;
    // The manager's own complaint (c.errout) is replaced by one line of ours.
    if (!capture(argv, c, why, timeout_ms)) {
        if (c.spawn_errno == ENOENT)
            err.set(EX_UNAVAILABLE_, argv[0] + " is not installed (needed for " + mgr + ":)");
        else if (c.spawn_errno != 0)
            err.set(EX_UNAVAILABLE_, errno_text("cannot run " + argv[0], c.spawn_errno));
        else
            // A hung CLI may answer later: try again (75), not "unavailable".
            err.set(c.timed_out ? EX_TEMPFAIL_ : EX_UNAVAILABLE_,
                    why + " (asked for the pid of " + spec + ")");
        return false;
    }
    std::string& out = c.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
        out.pop_back();
    long pid = 0;
    if (c.status != 0 && engine_unreachable(mgr, c)) {
        std::string said = first_line(c.errout);
        err.set(EX_UNAVAILABLE_, mgr + " cannot reach its engine (asked for the pid of " + spec +
                                     ")" + (said.empty() ? "" : ": " + said));
        return false;
    }
    if (c.status != 0 || !parse_pid(out, pid)) {
        err.set(EX_NOHOST_, "no such jail: " + mgr + " container \"" + name +
                                "\" does not exist or is not running");
        return false;
    }
    spec = "pid:" + std::to_string(pid) + "@" + mgr + ":" + name;
    return true;
}

} // namespace jd
