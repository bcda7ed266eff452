#include "plan.hpp"

#include "command.hpp"

#include <algorithm>
#include <cctype>
#include <fnmatch.h>

namespace jdhook {

std::string probe_title(const Config& cfg, const Manager& m, Kind k) {
    std::string t = k == Kind::reboot ? cfg.reboot_title : cfg.snapshot_title;
    if (!cfg.title_prefix)
        return t;
    std::string prefix = m.name();
    for (char& c : prefix)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return prefix + "_" + t;
}

bool names_jail(const std::vector<std::string>& list, const Manager& m, const std::string& jail) {
    const std::string safe = m.safe_name(jail);
    return std::any_of(list.begin(), list.end(),
                       [&](const std::string& e) { return e == jail || m.safe_name(e) == safe; });
}

bool declared_applies(const DeclaredProbe& d, const Manager& m, const std::string& jail) {
    if (!d.managers.empty() &&
        std::find(d.managers.begin(), d.managers.end(), m.name()) == d.managers.end())
        return false;
    if (d.jails.empty())
        return true;
    const std::string names[] = {jail, m.safe_name(jail), m.jail_name(jail)};
    for (const std::string& g : d.jails) {
        // A plain name matches either way round, as in exclude (ezjail's
        // hook gets example_com for example.com).
        if (g.find_first_of("*?[") == std::string::npos && names_jail({g}, m, jail))
            return true;
        for (const std::string& n : names)
            if (::fnmatch(g.c_str(), n.c_str(), 0) == 0)
                return true;
    }
    return false;
}

bool make_plan(const Config& cfg, const Manager& m, const std::string& jail,
               std::optional<long> jid, Plan& plan, std::string& err) {
    std::string why;
    if (!m.valid_name(jail, why)) {
        err = "bad jail name \"" + jail + "\": " + why;
        return false;
    }
    if (jid && *jid <= 0) {
        err = "bad jid " + std::to_string(*jid);
        return false;
    }
    const Section& sec = cfg.section(m.name());
    plan = Plan{};
    plan.manager = m.name();
    plan.jail = jail;
    plan.safename = m.safe_name(jail);
    plan.label = m.jail_name(jail);
    plan.jid = jid.value_or(0);
    plan.jid_known = jid.has_value();
    plan.excluded = names_jail(cfg.exclude, m, jail) || names_jail(sec.exclude, m, jail);
    if (plan.excluded)
        return true;

    // The name the manager's commands get: what its hook is handed (ezjail:
    // the safe name), so that a preview shows what the hook will run.
    const std::string cmd_name = m.command_name(jail);
    Vars vars;
    vars["name"] = shell_quote(cmd_name);
    vars["safename"] = shell_quote(plan.safename);
    vars["jid"] = plan.jid_known ? std::to_string(plan.jid) : "{jid}";
    vars["program"] = sec.program.empty() ? m.default_program() : sec.program;
    vars["zfs"] = cfg.zfs;
    if (!sec.dataset.empty()) {
        // Expand with the bare names and quote the dataset as one word.
        Vars raw = vars;
        raw["name"] = cmd_name;
        raw["safename"] = plan.safename;
        std::string ds;
        if (!expand(sec.dataset, raw, ds, why)) {
            err = "[" + m.name() + "] dataset: " + why;
            return false;
        }
        vars["dataset"] = shell_quote(ds);
    }

    const std::vector<Kind>& kinds = sec.probes ? *sec.probes : cfg.probes;
    for (Kind k : kinds) {
        std::string tmpl;
        if (k == Kind::reboot)
            tmpl = sec.restart ? *sec.restart : m.restart_template();
        else
            tmpl = sec.snapshot ? *sec.snapshot : m.snapshot_template(sec);
        if (tmpl.empty()) {
            // No snapshot command for this manager as configured: say so
            // rather than register a probe that cannot work.
            std::string why_not;
            if (k == Kind::reboot) // restart is never empty (hook_config.cpp)
                why_not = m.name() + " has no restart command: set restart in [" + m.name() + "]";
            else
                why_not = sec.snapshot ? "snapshot is empty in [" + m.name() + "]"
                                       : m.no_snapshot_reason(sec);
            plan.notes.push_back("no " + probe_title(cfg, m, k) + " probe: " + why_not);
            continue;
        }
        PlannedProbe p;
        p.kind = k;
        p.title = probe_title(cfg, m, k);
        p.respawn = k == Kind::snapshot;
        p.uid = cfg.uid;
        p.gid = cfg.gid;
        if (k == Kind::snapshot)
            p.cooldown = sec.cooldown ? sec.cooldown : m.snapshot_cooldown();
        if (!expand(tmpl, vars, p.command, why)) {
            err = "[" + m.name() + "] " + (k == Kind::reboot ? "restart" : "snapshot") + ": " + why;
            return false;
        }
        plan.probes.push_back(std::move(p));
    }

    // The declared probes, after the built-in ones; a title is one probe
    // per jail (the daemon would replace the first with the second).
    for (const DeclaredProbe& d : cfg.declared) {
        if (!declared_applies(d, m, jail))
            continue;
        PlannedProbe p;
        p.kind = Kind::declared;
        p.title = d.title;
        p.respawn = d.respawn != "none";
        p.respawn_now = d.respawn == "now";
        p.uid = d.uid ? d.uid : cfg.uid;
        p.gid = d.gid ? d.gid : cfg.gid;
        p.cooldown = d.cooldown;
        p.section = "[probe " + d.name + "] (" + d.origin + ")";
        if (!expand(d.command, vars, p.command, why)) {
            err = d.origin + ": [probe " + d.name + "] command: " + why + " for " + m.name() +
                  " jail " + jail;
            return false;
        }
        for (const PlannedProbe& o : plan.probes)
            if (o.title == p.title) {
                err = d.origin + ": [probe " + d.name + "] title " + p.title + " is " +
                      (o.section.empty()
                           ? "the built-in " + std::string(kind_name(o.kind)) + " probe's"
                           : "also the title of " + o.section) +
                      " for " + m.name() + " jail " + jail;
                return false;
            }
        plan.probes.push_back(std::move(p));
    }
    return true;
}

std::string as_command_line(const Plan& plan, const PlannedProbe& p) {
    std::string s = "jaildaemon -c " + shell_quote(p.command) + " -j " +
                    (plan.jid_known ? std::to_string(plan.jid) : shell_quote(plan.label));
    if (p.respawn)
        s += p.respawn_now ? " -R" : " -r";
    if (p.uid)
        s += " -u " + p.uid->text();
    if (p.gid)
        s += " -g " + p.gid->text();
    if (p.cooldown)
        s += " --cooldown " + std::to_string(*p.cooldown);
    s += " -t " + shell_quote(p.title);
    return s;
}

} // namespace jdhook

namespace jdhook {

std::string as_remove_line(const std::string& label, const std::string& title) {
    return "jaildaemon -x -j " + shell_quote(label) + " -t " + shell_quote(title);
}

} // namespace jdhook
