#include "registry.hpp"

#include <algorithm>
#include <sys/wait.h>

namespace jd {

namespace {
std::string title_key(const std::string& jail_key, const std::string& title) {
    return jail_key + '\n' + title;
}
} // namespace

const char* state_name(ProbeState s) {
    switch (s) {
    case ProbeState::waiting:
        return "waiting";
    case ProbeState::running:
        return "running";
    case ProbeState::deferred:
        return "deferred";
    default:
        return "spawning";
    }
}

namespace {
std::string safe_name(const std::string& s) {
    std::string out = s;
    for (char& c : out)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            c = '_';
    return out;
}
} // namespace

bool jail_name_matches(const std::string& want, std::initializer_list<std::string> names) {
    for (const std::string& n : names)
        if (!n.empty() && (n == want || safe_name(n) == safe_name(want)))
            return true;
    return false;
}

Probe& Registry::add(ProbeSpec spec, std::shared_ptr<Jail> jail) {
    std::uint64_t id = next_id_++;
    Probe& p = probes_[id];
    p.id = id;
    p.spec = std::move(spec);
    p.jail = std::move(jail);
    by_title_.emplace(title_key(p.jail->key(), p.spec.title), id);
    return p;
}

Probe& Registry::restore(std::uint64_t id, ProbeSpec spec, std::shared_ptr<Jail> jail) {
    Probe& p = probes_[id];
    p.id = id;
    p.spec = std::move(spec);
    p.jail = std::move(jail);
    by_title_.emplace(title_key(p.jail->key(), p.spec.title), id);
    set_next_id(id + 1);
    return p;
}

Probe* Registry::find(std::uint64_t id) {
    auto it = probes_.find(id);
    return it == probes_.end() ? nullptr : &it->second;
}

Probe* Registry::find(const std::string& jail_key, const std::string& title) {
    // The newest wins: during a replace, the probe that replaces the other.
    auto [b, e] = by_title_.equal_range(title_key(jail_key, title));
    std::uint64_t newest = 0;
    for (auto it = b; it != e; ++it)
        newest = std::max(newest, it->second);
    return newest ? find(newest) : nullptr;
}

Probe* Registry::find_pid(pid_t pid) {
    auto it = by_pid_.find(pid);
    return it == by_pid_.end() ? nullptr : find(it->second);
}

void Registry::set_pid(Probe& p, pid_t pid) {
    if (p.pid)
        by_pid_.erase(p.pid);
    p.pid = pid;
    if (pid)
        by_pid_[pid] = p.id;
}

void Registry::erase(std::uint64_t id) {
    auto it = probes_.find(id);
    if (it == probes_.end())
        return;
    const Probe& gone = it->second;
    if (auto pit = by_pid_.find(gone.pid); gone.pid && pit != by_pid_.end() && pit->second == id)
        by_pid_.erase(pit);
    auto [b, e] = by_title_.equal_range(title_key(gone.jail->key(), gone.spec.title));
    for (auto tit = b; tit != e; ++tit)
        if (tit->second == id) {
            by_title_.erase(tit);
            break;
        }
    probes_.erase(it);
}

std::vector<Probe*> Registry::of_jail(const std::string& name) {
    std::vector<Probe*> out;
    for (auto& [id, p] : probes_)
        if (jail_name_matches(name, {p.jail->key(), p.spec.jail, p.spec.label, p.jail->name()}))
            out.push_back(&p);
    return out;
}

std::vector<Probe*> Registry::all() {
    std::vector<Probe*> out;
    out.reserve(probes_.size());
    for (auto& [id, p] : probes_)
        out.push_back(&p);
    return out;
}

ProbeInfo Registry::info(const Probe& p, std::uint32_t default_cooldown) const {
    ProbeInfo i;
    i.id = p.id;
    i.jail = p.jail->name();
    i.jail_key = p.jail->key();
    i.jid = p.jail->id();
    i.command = p.spec.command;
    i.title = p.spec.title;
    i.respawn = p.spec.respawn;
    i.uid = p.spec.uid;
    i.gid = p.spec.gid;
    i.user = p.spec.user;
    i.group = p.spec.group;
    // True states: "running" while its command runs (a -R probe waits at
    // the same time: its pid is the probe's, command_pid the command's).
    i.state = p.command_pid ? "running" : state_name(p.state);
    i.pid = p.pid;
    i.command_pid = p.command_pid;
    i.note = p.note;
    i.output.assign(p.output.begin(), p.output.end());
    i.triggers = p.triggers;
    i.cooldown = p.spec.cooldown_s.value_or(default_cooldown);
    i.cooldown_set = p.spec.cooldown_s.has_value();
    i.pending = p.pending;
    i.last_run_ms = p.last_run_ms;
    if (p.last_status && WIFEXITED(*p.last_status))
        i.last_exit = WEXITSTATUS(*p.last_status);
    else if (p.last_status && WIFSIGNALED(*p.last_status))
        i.last_signal = WTERMSIG(*p.last_status);
    i.last_ms = p.last_ms;
    return i;
}

} // namespace jd
