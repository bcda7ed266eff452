// The control-socket protocol: one JSON object per line, one request and one
// reply per connection. Parsing is strict: unknown keys, wrong types and
// out-of-range values are errors.
#pragma once

#include "error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jd {

constexpr std::size_t kMaxRequestBytes = 16 * 1024;
constexpr std::size_t kMaxTitleBytes = 128;
constexpr std::size_t kMaxCommandBytes = 4096;
constexpr std::size_t kMaxJailBytes = 256;
constexpr int kProtocolVersion = 1;
// Probe ids are JSON numbers: at most 2^53 - 1, exact in every JSON reader.
constexpr std::uint64_t kMaxId = (std::uint64_t(1) << 53) - 1;
// A uid or gid of a probe: (uid_t)-1 means "unchanged" to setuid(2).
constexpr std::uint32_t kMaxUid = 4294967294u;

enum class Respawn { none, after, now };
const char* respawn_name(Respawn r);
bool respawn_from(std::string_view s, Respawn& r);

// What a client asks the daemon to run: the original -c/-j/-t/-r/-R/-u/-g.
struct ProbeSpec {
    std::string jail;    // as resolved by the client: "N", "pid:N", name, "host"
    std::string label;   // what the user typed (e.g. "lxc:web"); may be empty
    std::string command; // run as /bin/sh -c COMMAND on the host
    std::string title;   // the probe's whole command line inside the jail
    Respawn respawn = Respawn::none;
    std::optional<std::uint32_t> uid;
    std::optional<std::uint32_t> gid;
    // -u/-g given as names: resolved by the probe in the jail's own
    // /etc/passwd and /etc/group. On the wire "uid"/"gid" hold a number or
    // a name string. A name excludes the number of the same field.
    std::string user, group;
    std::optional<std::uint32_t> cooldown_s;
    // Not on the wire nor on disk: set by the daemon when it launches a
    // probe again after a failed run of its command (kProbeLastFailed).
    bool last_failed = false;
};

// A user or group name: 1-32 of [A-Za-z0-9._-] (a trailing "$" allowed),
// not starting with "-", not all digits (that is a number).
constexpr std::size_t kMaxNameBytes = 32;
bool valid_id_name(std::string_view s);

// A per-probe cooldown is at most a day (the daemon's --cooldown too).
constexpr std::uint32_t kMaxCooldown = 86400;

// Checks that hold whoever built the spec; err names the bad field.
bool validate(const ProbeSpec& p, Error& err);
bool valid_title(std::string_view t, Error& err);

enum class Op { ping, add, list, remove };

struct Request {
    Op op = Op::ping;
    ProbeSpec probe;                 // add
    std::optional<std::uint64_t> id; // remove by id
    std::string jail;                // remove by jail (+ title)
    std::string title;
    bool all = false; // list: also the probes that are gone (history)
};

// One registered probe as the daemon reports it.
struct ProbeInfo {
    std::uint64_t id = 0;
    std::string jail;     // display name
    std::string jail_key; // identity
    long jid = 0;
    std::string command;
    std::string title;
    Respawn respawn = Respawn::none;
    std::optional<std::uint32_t> uid;
    std::optional<std::uint32_t> gid;
    std::string state; // "waiting", "running", "spawning", "deferred", "gone"
    long pid = 0;      // probe pid as seen by the host, 0 when none
    std::uint64_t triggers = 0;
    std::uint32_t cooldown = 0;           // effective cooldown, seconds
    bool cooldown_set = false;            // per-probe (--cooldown with -c)
    bool pending = false;                 // a deferred run is waiting for its turn
    std::int64_t last_run_ms = 0;         // wall clock of the last command start, 0: never
    std::optional<int> last_exit;         // its exit status, or
    std::optional<int> last_signal;       // the signal that ended it
    std::optional<std::uint64_t> last_ms; // how long it ran; unset while it runs
    long command_pid = 0;                 // host pid of its running command, 0 when none
    std::string note;                     // why it is as it is (-l -v), may be empty
    std::string user, group;              // -u/-g given as names
    std::vector<std::string> output;      // last lines of its command's output
};

struct Reply {
    bool ok = true;
    int code = 0; // sysexits(3) value when !ok
    std::string error;
    std::uint64_t id = 0;          // add: id of the new probe
    bool replaced = false;         // add: an older probe of jail+title was replaced
    std::uint64_t removed = 0;     // remove: how many
    std::vector<ProbeInfo> probes; // list
    std::string version;           // ping
};

std::string encode(const Request& r);
std::string encode(const Reply& r);
// The probes of a list reply as a JSON array (jaildaemon -l --json).
std::string encode(const std::vector<ProbeInfo>& probes);
bool decode(std::string_view text, Request& r, Error& err);
bool decode(std::string_view text, Reply& r, Error& err);

Reply error_reply(int code, std::string what);

} // namespace jd
