// The configuration file of jaildaemon-hook (PREFIX/etc/jaildaemon-hook.conf):
// "key = value" lines, "#" comment lines, one [MANAGER] section per jail
// manager. Unknown sections and keys, repeated keys and bad values are
// errors that name the file and line.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jdhook {

// Which probes exist. Their order is the order of registration; declared
// ([probe NAME] sections) come after the built-in ones.
enum class Kind { reboot, snapshot, declared };
const char* kind_name(Kind k);

// uid = / gid =: a number, or a user or group name that the probe looks up
// in the jail's own /etc/passwd or /etc/group (never the host's).
struct Id {
    std::uint32_t num = 0;
    std::string name; // set: a name (jd::valid_id_name), num unused

    std::string text() const { return name.empty() ? std::to_string(num) : name; }
    bool operator==(const Id&) const = default;
};

// One [MANAGER] section.
struct Section {
    std::string program;                     // manager program; empty = plugin default
    std::optional<std::string> restart;      // command template; unset = plugin default
    std::optional<std::string> snapshot;     // command template; "" = no SNAPSHOT probe
    std::string dataset;                     // [jail], [appjail]: ZFS dataset template
    std::optional<std::uint32_t> cooldown;   // SNAPSHOT cooldown; unset = plugin's
    std::optional<std::vector<Kind>> probes; // overrides the global "probes"
    std::vector<std::string> exclude;        // jail names (or safe names) left alone
};

// One [probe NAME] section: a standing probe of its own, registered by
// every hook of the managers it names, for the jails it names, with the
// others. Its command is a template of the manager's placeholders: fixed
// on the host when the jail starts, nothing from the jail goes into it.
struct DeclaredProbe {
    std::string name;             // NAME of [probe NAME]
    std::string origin;           // "file:line" of the section line, for errors
    std::string title;            // required
    std::string command;          // required, a template
    std::string respawn = "none"; // none, after or now (the daemon's -r/-R)
    std::optional<std::uint32_t> cooldown;
    std::optional<Id> uid; // unset: the global uid
    std::optional<Id> gid;
    std::vector<std::string> jails;    // shell globs; empty: every jail
    std::vector<std::string> managers; // empty: every manager
};

struct Config {
    std::string socket;      // empty = the daemon's default socket
    std::string jls = "jls"; // program that maps a name to a jid
    std::string zfs = "zfs"; // program of the ZFS snapshots ({zfs})
    std::vector<Kind> probes = {Kind::reboot, Kind::snapshot};
    std::string reboot_title = "REBOOT";
    std::string snapshot_title = "SNAPSHOT";
    bool title_prefix = false; // "EZJAIL_REBOOT" instead of "REBOOT"
    std::optional<Id> uid;     // probe uid inside the jail
    std::optional<Id> gid;
    std::vector<std::string> exclude;        // for every manager
    std::map<std::string, Section> sections; // by manager name
    std::vector<DeclaredProbe> declared;     // [probe NAME], in file order

    // The section of a manager, or an empty one.
    const Section& section(const std::string& manager) const;
};

// Parse text; origin names it in errors ("file:line: what").
bool parse_config(std::string_view text, const std::string& origin, Config& cfg, std::string& err);
// Read and parse path. A missing file is not an error unless must_exist.
bool load_config(const std::string& path, bool must_exist, Config& cfg, std::string& err);

// A title the daemon accepts (jd::valid_title) that does not start with '-'.
bool check_title(std::string_view t, std::string& why);

} // namespace jdhook
