#include "list_view.hpp"

#include <cstdio>
#include <ctime>

namespace jd {

namespace {

// s in at most w columns: cut with a "~" at the end.
std::string fit(const std::string& s, std::size_t w) {
    return s.size() <= w ? s : s.substr(0, w - 1) + "~";
}

std::string row(const std::string& id, const std::string& jail, const std::string& title,
                const std::string& state, const std::string& pid, const std::string& respawn,
                const std::string& last, const std::string& triggers) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%-4s %-14s %-15s %-8s %-7s %-7s %-10s %s", fit(id, 4).c_str(),
                  fit(jail, 14).c_str(), fit(title, 15).c_str(), fit(state, 8).c_str(),
                  fit(pid, 7).c_str(), fit(respawn, 7).c_str(), fit(last, 10).c_str(),
                  fit(triggers, 8).c_str());
    std::string out = buf;
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out + "\n";
}

std::string stamp(std::int64_t ms) {
    char buf[32];
    std::time_t t = std::time_t(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return buf;
}

std::string shown_pid(const ProbeInfo& p) {
    long pid = p.command_pid ? p.command_pid : p.pid;
    return pid ? std::to_string(pid) : "-";
}

std::string id_name(const std::optional<std::uint32_t>& n, const std::string& name) {
    if (!name.empty())
        return name;
    return n ? std::to_string(*n) : "-";
}

} // namespace

std::string last_result(const ProbeInfo& p) {
    if (!p.last_run_ms)
        return "-";
    if (p.last_exit)
        return "exit " + std::to_string(*p.last_exit);
    if (p.last_signal)
        return "signal " + std::to_string(*p.last_signal);
    return p.last_ms ? "-" : "running";
}

std::string list_table(const std::vector<ProbeInfo>& probes) {
    std::string out = row("ID", "JAIL", "TITLE", "STATE", "PID", "RESPAWN", "LAST", "TRIGGERS");
    for (const ProbeInfo& p : probes)
        out += row(std::to_string(p.id), p.jail, p.title, p.state, shown_pid(p),
                   respawn_name(p.respawn), last_result(p), std::to_string(p.triggers));
    return out;
}

std::string list_verbose(const std::vector<ProbeInfo>& probes) {
    std::string out;
    for (const ProbeInfo& p : probes) {
        if (!out.empty())
            out += "\n";
        out += "probe " + std::to_string(p.id) + " \"" + p.title + "\" in jail " + p.jail +
               " (jid " + std::to_string(p.jid) + ", " + p.jail_key + ")\n";
        std::string state = p.state;
        if (p.command_pid)
            state += ", command pid " + std::to_string(p.command_pid);
        if (p.pid)
            state += ", probe pid " + std::to_string(p.pid);
        out += "  state     " + state + "\n";
        out += "  respawn   " + std::string(respawn_name(p.respawn)) + "\n";
        bool root = !p.uid && !p.gid && p.user.empty() && p.group.empty();
        out += "  uid/gid   " +
               (root ? std::string("0/0 (root, the default)")
                     : id_name(p.uid, p.user) + "/" + id_name(p.gid, p.group)) +
               "\n";
        out += "  cooldown  " + std::to_string(p.cooldown) + " s" +
               (p.cooldown_set ? "" : " (the daemon's)") + "\n";
        out += "  pending   " + std::string(p.pending ? "yes: a deferred run waits" : "no") + "\n";
        out += "  triggers  " + std::to_string(p.triggers) + "\n";
        std::string last = "never";
        if (p.last_run_ms) {
            last = stamp(p.last_run_ms) + " " + last_result(p);
            if (p.last_ms)
                last += ", " + std::to_string(*p.last_ms) + " ms";
        }
        out += "  last run  " + last + "\n";
        if (!p.note.empty())
            out += "  note      " + p.note + "\n";
        out += "  command   " + p.command + "\n";
        if (!p.output.empty()) {
            out += "  output    (last lines)\n";
            for (const std::string& l : p.output)
                out += "    " + l + "\n";
        }
    }
    return out;
}

} // namespace jd
