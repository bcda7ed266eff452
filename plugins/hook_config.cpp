#include "hook_config.hpp"

#include "command.hpp"
#include "manager.hpp"
#include "number.hpp"
#include "protocol.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace jdhook {

const char* kind_name(Kind k) {
    return k == Kind::reboot ? "reboot" : k == Kind::snapshot ? "snapshot" : "declared";
}

const Section& Config::section(const std::string& manager) const {
    static const Section empty;
    auto it = sections.find(manager);
    return it == sections.end() ? empty : it->second;
}

bool check_title(std::string_view t, std::string& why) {
    // The daemon's rule, so that a config `jaildaemon-hook -n` accepts is
    // one the daemon accepts at boot.
    jd::Error e;
    if (!jd::valid_title(t, e)) {
        why = e.what;
        return false;
    }
    // Ours on top: a plain `pkill -HUP -f TITLE` in the jail would read a
    // leading '-' as an option (the daemon itself accepts such titles).
    if (t.front() == '-') {
        why = "a title must not start with '-' (pkill would read it as an option)";
        return false;
    }
    return true;
}

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// uid = / gid =: a number up to jd::kMaxUid or a name as jd::valid_id_name
// has it (1-32 of [A-Za-z0-9._-], a trailing '$', no leading '-', not all
// digits), as jaildaemon -u/-g take them.
// A cooldown (seconds, 0 to jd::kMaxCooldown) for key.
bool parse_cooldown(std::string_view key, std::string_view v, std::optional<std::uint32_t>& out,
                    std::string& why) {
    std::uint32_t secs;
    if (!jd::parse_number(v, jd::kMaxCooldown, secs)) {
        why = std::string(key) + " must be a number of seconds from 0 to 86400";
        return false;
    }
    out = secs;
    return true;
}

bool parse_id(std::string_view key, std::string_view v, std::optional<Id>& out, std::string& why) {
    Id id;
    if (jd::valid_id_name(v))
        id.name = v;
    else if (!jd::parse_number(v, jd::kMaxUid, id.num)) {
        why = std::string(key) + " must be a number from 0 to 4294967294 or a " +
              (key == "uid" ? "user" : "group") + " name (at most 32 of A-Z a-z 0-9 . _ -)";
        return false;
    }
    out = id;
    return true;
}

std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::istringstream in{std::string(s)};
    std::string w;
    while (in >> w)
        out.push_back(w);
    return out;
}

bool parse_bool(std::string_view v, bool& out) {
    if (v == "yes" || v == "true" || v == "on" || v == "1") {
        out = true;
        return true;
    }
    if (v == "no" || v == "false" || v == "off" || v == "0") {
        out = false;
        return true;
    }
    return false;
}

// "reboot", "snapshot", both in either order, or the words "both" and
// "none" (nothing: no probes at all).
bool parse_probes(std::string_view v, std::vector<Kind>& out, std::string& why) {
    out.clear();
    const std::vector<std::string> ws = words(v);
    if (ws.size() == 1 && (ws[0] == "both" || ws[0] == "none")) {
        if (ws[0] == "both")
            out = {Kind::reboot, Kind::snapshot};
        return true;
    }
    if (ws.empty()) {
        why = "probes is empty (write \"none\" for no probes)";
        return false;
    }
    for (const std::string& w : ws) {
        Kind k;
        if (w == "reboot")
            k = Kind::reboot;
        else if (w == "snapshot")
            k = Kind::snapshot;
        else {
            why = "unknown probe \"" + w + "\" (known: reboot, snapshot, both, none)";
            return false;
        }
        for (Kind have : out) {
            if (have == k) {
                why = "probe \"" + w + "\" named twice";
                return false;
            }
        }
        out.push_back(k);
    }
    return true;
}

bool check_command(std::string_view v, std::string& why) {
    if (v.find('\n') != std::string_view::npos) {
        why = "a command is one line";
        return false;
    }
    return check_template(v, why);
}

bool set_global(Config& cfg, std::string_view key, std::string_view v, std::string& why) {
    if (key == "socket") {
        if (v.empty() || v.front() != '/') {
            why = "socket must be an absolute path";
            return false;
        }
        cfg.socket = v;
    } else if (key == "jls") {
        if (v.empty()) {
            why = "jls must name a program";
            return false;
        }
        cfg.jls = v;
    } else if (key == "zfs") {
        if (v.empty()) {
            why = "zfs must name a program";
            return false;
        }
        cfg.zfs = v;
    } else if (key == "probes") {
        return parse_probes(v, cfg.probes, why);
    } else if (key == "reboot_title") {
        if (!check_title(v, why))
            return false;
        cfg.reboot_title = v;
    } else if (key == "snapshot_title") {
        if (!check_title(v, why))
            return false;
        cfg.snapshot_title = v;
    } else if (key == "title_prefix") {
        if (!parse_bool(v, cfg.title_prefix)) {
            why = "title_prefix must be yes or no";
            return false;
        }
    } else if (key == "uid" || key == "gid") {
        if (!parse_id(key, v, key == "uid" ? cfg.uid : cfg.gid, why))
            return false;
    } else if (key == "exclude") {
        cfg.exclude = words(v);
    } else {
        why = "unknown key \"" + std::string(key) +
              "\" (known here: socket jls zfs probes reboot_title snapshot_title title_prefix "
              "uid gid exclude)";
        return false;
    }
    return true;
}

bool set_section(Section& s, const std::string& manager, std::string_view key, std::string_view v,
                 std::string& why) {
    if (key == "program") {
        if (v.empty()) {
            why = "program must name a program";
            return false;
        }
        s.program = v;
    } else if (key == "restart") {
        if (v.empty()) {
            why = "restart must not be empty (leave reboot out of \"probes\" instead)";
            return false;
        }
        if (!check_command(v, why))
            return false;
        s.restart = std::string(v);
    } else if (key == "snapshot") {
        if (!check_command(v, why))
            return false;
        s.snapshot = std::string(v);
    } else if (key == "dataset") {
        const Manager* m = find_manager(manager);
        if (!m || !m->uses_dataset()) {
            why = "dataset is only used in";
            const char* sep = " ";
            for (const Manager& u : managers())
                if (u.uses_dataset()) {
                    why += sep + ("[" + u.name() + "]");
                    sep = " and ";
                }
            return false;
        }
        if (v.empty() || v.front() == '/' || v.find_first_of(" \t@") != std::string_view::npos) {
            why = "dataset must be a ZFS dataset name such as zroot/jails/{name}";
            return false;
        }
        if (!check_template(v, why))
            return false;
        s.dataset = v;
    } else if (key == "snapshot_cooldown") {
        if (!parse_cooldown(key, v, s.cooldown, why))
            return false;
    } else if (key == "probes") {
        std::vector<Kind> p;
        if (!parse_probes(v, p, why))
            return false;
        s.probes = p;
    } else if (key == "exclude") {
        s.exclude = words(v);
    } else {
        why = "unknown key \"" + std::string(key) + "\" in [" + manager +
              "] (known: program restart snapshot snapshot_cooldown dataset probes exclude)";
        return false;
    }
    return true;
}

bool set_probe(DeclaredProbe& d, std::string_view key, std::string_view v, std::string& why) {
    if (key == "title") {
        if (!check_title(v, why))
            return false;
        d.title = v;
    } else if (key == "command") {
        if (v.empty()) {
            why = "command must not be empty";
            return false;
        }
        if (!check_command(v, why))
            return false;
        d.command = v;
    } else if (key == "respawn") {
        if (v != "none" && v != "after" && v != "now") {
            why = "respawn must be none, after or now";
            return false;
        }
        d.respawn = v;
    } else if (key == "cooldown") {
        if (!parse_cooldown(key, v, d.cooldown, why))
            return false;
    } else if (key == "uid" || key == "gid") {
        if (!parse_id(key, v, key == "uid" ? d.uid : d.gid, why))
            return false;
    } else if (key == "jails") {
        d.jails = words(v);
        if (d.jails.empty()) {
            why = "jails is empty (leave it out for every jail)";
            return false;
        }
    } else if (key == "managers") {
        d.managers = words(v);
        if (d.managers.empty()) {
            why = "managers is empty (leave it out for every manager)";
            return false;
        }
        for (const std::string& w : d.managers)
            if (find_manager(w) == nullptr) {
                why = "unknown manager \"" + w + "\" (see: jaildaemon-hook list)";
                return false;
            }
    } else {
        why = "unknown key \"" + std::string(key) + "\" in [probe " + d.name +
              "] (known: title command respawn cooldown uid gid jails managers)";
        return false;
    }
    return true;
}

// Whether two lists of a [probe] section could name the same thing (an
// empty list names everything); globs are compared as words.
bool overlap(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    if (a.empty() || b.empty())
        return true;
    for (const std::string& x : a)
        for (const std::string& y : b)
            if (x == y)
                return true;
    return false;
}

// A [probe] section is whole: title and command set, its title not one
// another section gives the same jails.
bool finish_probe(const Config& cfg, const DeclaredProbe& d, std::string& err) {
    if (d.title.empty() || d.command.empty()) {
        err = d.origin + ": [probe " + d.name + "] needs " +
              (d.title.empty() ? "a title" : "a command");
        return false;
    }
    for (const DeclaredProbe& o : cfg.declared) {
        if (&o == &d)
            break;
        if (o.title == d.title && overlap(o.jails, d.jails) && overlap(o.managers, d.managers)) {
            err = d.origin + ": [probe " + d.name + "] has the title " + d.title + " of [probe " +
                  o.name + "] (" + o.origin + ") for the same jails";
            return false;
        }
    }
    return true;
}

} // namespace

bool parse_config(std::string_view text, const std::string& origin, Config& cfg, std::string& err) {
    std::string section; // "" = global
    std::set<std::string> seen;
    std::size_t lineno = 0;
    while (!text.empty()) {
        std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        ++lineno;
        auto fail = [&](const std::string& why) {
            err = origin + ":" + std::to_string(lineno) + ": " + why;
            return false;
        };
        line = trim(line);
        if (line.empty() || line.front() == '#' || line.front() == ';')
            continue;
        if (line.front() == '[') {
            if (line.back() != ']')
                return fail("a section line is [MANAGER]");
            if (!cfg.declared.empty() && section.rfind("probe ", 0) == 0 &&
                !finish_probe(cfg, cfg.declared.back(), err))
                return false;
            section = trim(line.substr(1, line.size() - 2));
            if (section.rfind("probe", 0) == 0 &&
                (section.size() == 5 || section[5] == ' ' || section[5] == '\t')) {
                std::vector<std::string> ws = words(section);
                if (ws.size() != 2)
                    return fail("a probe section is [probe NAME], NAME one word");
                section = "probe " + ws[1];
                if (!seen.insert("[" + section + "]").second)
                    return fail("section [" + section + "] appears twice");
                DeclaredProbe d;
                d.name = ws[1];
                d.origin = origin + ":" + std::to_string(lineno);
                cfg.declared.push_back(std::move(d));
                continue;
            }
            if (find_manager(section) == nullptr) {
                std::string known;
                for (const Manager& m : managers())
                    known += " " + m.name();
                return fail("unknown section [" + section + "] (known:" + known + ")");
            }
            if (!seen.insert("[" + section + "]").second)
                return fail("section [" + section + "] appears twice");
            cfg.sections[section]; // an empty section still exists
            continue;
        }
        std::size_t eq = line.find('=');
        if (eq == std::string_view::npos)
            return fail("expected \"key = value\"");
        std::string key(trim(line.substr(0, eq)));
        std::string_view value = trim(line.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        if (key.empty())
            return fail("missing key before \"=\"");
        if (!seen.insert(section + "/" + key).second)
            return fail("\"" + key + "\" is set twice" +
                        (section.empty() ? std::string() : " in [" + section + "]"));
        std::string why;
        bool ok = section.empty() ? set_global(cfg, key, value, why)
                  : section.rfind("probe ", 0) == 0
                      ? set_probe(cfg.declared.back(), key, value, why)
                      : set_section(cfg.sections[section], section, key, value, why);
        if (!ok)
            return fail(why);
    }
    if (!cfg.declared.empty() && section.rfind("probe ", 0) == 0 &&
        !finish_probe(cfg, cfg.declared.back(), err))
        return false;
    return true;
}

bool load_config(const std::string& path, bool must_exist, Config& cfg, std::string& err) {
    std::ifstream in(path);
    if (!in) {
        int e = errno;
        if (!must_exist && e == ENOENT)
            return true;
        err = path + ": " + std::strerror(e);
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        err = path + ": read error";
        return false;
    }
    return parse_config(text.str(), path, cfg, err);
}

} // namespace jdhook
