#include "manager.hpp"

#include "hook_config.hpp"

#include <cstring>

namespace jdhook {
namespace {

// Without a snapshot command of the manager's own: a recursive ZFS
// snapshot of the configured dataset, named by the second.
constexpr const char* kZfsSnapshot = "{zfs} snapshot -r {dataset}@jaildaemon-$(date +%Y%m%d%H%M%S)";

// The comment above each entry says where in the manager's sources (port
// and version) its hook, commands and name rules were read.
const Manager kManagers[] = {
    // ezjail (sysutils/ezjail 3.4): jails are restarted with `ezjail-admin
    // onerestart` (plain `restart` does nothing unless ezjail_enable=YES)
    // and snapshotted with `ezjail-admin snapshot`, which only works for
    // ZFS jails and names the snapshots ez-autosnap-%Y%m%d%H%M itself: a
    // second snapshot within the same minute fails inside ezjail, which
    // still exits 0, hence a 60 s cooldown. The jail(8) name is the safe
    // name (rc.d/ezjail passes `echo -n $* | tr -c "[:alnum:] " _` to
    // rc.d/jail), and that is the name the post-start script gets;
    // onerestart and snapshot accept either.
    Manager({
        .name = "ezjail",
        .description = "ezjail-admin jails; hook: jail_<safename>_post_start_script",
        .program = "ezjail-admin",
        .restart = "{program} onerestart {name}",
        .snapshot = "{program} snapshot {name}",
        .cooldown = 60,
        .naming = {.underscored = nullptr, .jail_is_safe = true, .hook_gets_safe = true},
    }),
    // Bastille (sysutils/bastille 1.x): `bastille restart NAME`, and
    // `bastille zfs NAME snapshot`, which needs bastille_zfs_enable and
    // names the snapshot bastille_NAME_%Y-%m-%d-%H%M%S itself (1.4.4,
    // zfs.sh): one per second, hence a 2 s cooldown. Bastille only accepts
    // names made of letters, digits, "-" and "_" that do not start with "-"
    // or "_".
    Manager({
        .name = "bastille",
        .description = "Bastille jails; hook: exec.poststart in the jail's jail.conf",
        .program = "bastille",
        .restart = "{program} restart {name}",
        .snapshot = "{program} zfs {name} snapshot",
        .cooldown = 2,
        .names = {.allowed = "-_",
                  .not_first = "_",
                  .why = "Bastille jail names hold only letters, digits, '-' and '_'",
                  .why_first = "Bastille jail names do not start with '-' or '_'"},
    }),
    // Plain jail.conf(5) jails started by rc.d/jail (`service jail start
    // NAME`). rc.d/jail turns "/" and "." of a name into "_" for its
    // variables. There is no snapshot command of its own: with a ZFS
    // dataset configured, kZfsSnapshot (one name per second, hence a 2 s
    // cooldown).
    Manager({
        .name = "jail",
        .description = "jail.conf jails of rc.d/jail; hook: exec.poststart",
        .program = "service",
        .restart = "{program} jail restart {name}",
        .snapshot = kZfsSnapshot,
        .no_snapshot = "rc.d/jail has no snapshot command: set \"dataset\" in [jail]",
        .cooldown = 2,
        .names = {.not_number = true, .why = "a jail name is not a number (numbers are jids)"},
        .naming = {.underscored = "/."},
    }),
    // iocage (sysutils/py-iocage 1.13, freebsd/iocage; iocage/iocage is
    // archived): ioc_start.py runs the exec_poststart property on the host
    // after the jail started with ioc_common.runscript: shlex.split of the
    // property, then /bin/sh -c of the words joined by spaces when there
    // are several, else an exec of the one word. A non-zero exit stops the
    // jail again. Its environment differs by release: none of ours up to
    // 1.10, JID=ioc-NAME and JNAME=NAME (swapped) in 1.11, JID=jid and
    // JNAME=ioc-NAME from 1.12. So the hook takes the name as an argument
    // (jaildaemon-iocage-poststart NAME). The jail(8) name is "ioc-" + the
    // name with "." turned into "_" (ioc_exec.py). `iocage restart NAME`, and `iocage snapshot
    // NAME`,
    // which names the snapshot %F_%T (UTC) itself: one per second, hence a
    // 2 s cooldown. Names hold letters, digits, ".", "_", "-"
    // (iocage_cli/create.py).
    Manager({
        .name = "iocage",
        .description = "iocage jails; hook: the exec_poststart property",
        .program = "iocage",
        .restart = "{program} restart {name}",
        .snapshot = "{program} snapshot {name}",
        .cooldown = 2,
        .names = {.allowed = "._-",
                  .why = "iocage jail names hold only letters, digits, '.', '_' and '-'"},
        .naming = {.underscored = ".", .jail_is_safe = true, .jail_prefix = "ioc-"},
    }),
    // pot (sysutils/pot 0.16, bsdpot/pot, share/pot/start.sh): the
    // post-start hook (`pot set-hook -p NAME -S SCRIPT` copies SCRIPT to
    // the pot's conf/poststart.sh) runs on the host with `pot info -E` in
    // its environment: _POT_NAME, and _POT_JID once the pot counts as
    // running. The jail(8) name is the pot name, which holds no "."
    // (_is_valid_potname). pot has no restart command: `pot stop -p NAME &&
    // pot start -p NAME`. `pot snapshot -p NAME` refuses a running pot
    // (share/pot/snapshot.sh, 0.16.1), and a probe fires only while its pot
    // runs; what pot itself runs is `zfs snapshot -r
    // ${POT_ZFS_ROOT}/jails/NAME@$(date +%s)` (_pot_zfs_snap, common.sh),
    // POT_ZFS_ROOT coming from pot's configuration, which `pot config -q -g
    // zfs_root` prints. SNAPSHOT does the same; named by the second, hence
    // a 2 s cooldown.
    Manager({
        .name = "pot",
        .description = "pot jails; hook: pot set-hook -S (post-start script)",
        .program = "pot",
        .restart = "{program} stop -p {name} && {program} start -p {name}",
        .snapshot = "r=$({program} config -q -g zfs_root) && [ -n \"$r\" ] && "
                    "{zfs} snapshot -r \"$r/jails/\"{name}\"@$(date +%s)\"",
        .cooldown = 2,
        .names = {.banned = ".", .why = "pot names hold no '.'"},
    }),
    // AppJail (sysutils/appjail 5.4, DtxdF/AppJail, share/appjail/cmd/start
    // and appjail-initscript(5)): the poststart() function of the jail's
    // InitScript (JAILDIR/NAME/init, executable) runs on the host after the
    // jail started, with APPJAIL_JAILNAME in its environment. The jail(8)
    // name is the AppJail name, ^[a-zA-Z0-9_][a-zA-Z0-9_-]*$
    // (lib/check_func). `appjail restart NAME` is stop + start. AppJail has
    // no snapshot command that works: `appjail zfs snapshot NAME` runs `zfs
    // snapshot DATASET` with no @name (cmd/zfs), which zfs refuses. With
    // "dataset" set in [appjail], SNAPSHOT runs kZfsSnapshot (one name per
    // second, hence a 2 s cooldown).
    Manager({
        .name = "appjail",
        .description = "AppJail jails; hook: poststart() of the jail's InitScript",
        .program = "appjail",
        .restart = "{program} restart {name}",
        .snapshot = kZfsSnapshot,
        .no_snapshot = "AppJail has no working snapshot command (appjail zfs snapshot gives zfs "
                       "no @name): set \"dataset\" in [appjail], e.g. "
                       "zroot/appjail/jails/{name}",
        .cooldown = 2,
        .names = {.allowed = "_-",
                  .why = "AppJail jail names hold only letters, digits, '_' and '-', not first"},
    }),
    // cbsd (sysutils/cbsd 14.1, cbsd/cbsd, sudoexec/jstart and
    // subr/jcreate.subr): after a jail started, every executable in
    // ~cbsd/jails-system/JNAME/master_poststart.d/ runs on the host with
    // jname (and the other jail settings) exported. The jail(8) name is
    // jname. `cbsd jrestart jname=NAME`, and `cbsd jsnapshot mode=create
    // jname=NAME snapname=gettimeofday`, which names the snapshot
    // %Y%m%d%H%M%S (jailctl/jsnapshot): one per second, hence a 2 s
    // cooldown. Names match ^[a-zA-Z0-9_@%:][-a-zA-Z0-9_@%:]*$
    // (validate_jname, subr/nc.subr).
    Manager({
        .name = "cbsd",
        .description = "cbsd jails; hook: jails-system/JNAME/master_poststart.d/",
        .program = "cbsd",
        .restart = "{program} jrestart jname={name}",
        .snapshot = "{program} jsnapshot mode=create jname={name} snapname=gettimeofday",
        .cooldown = 2,
        .names = {.allowed = "-_@%:", .why = "cbsd jail names hold only letters, digits and -_@%:"},
    }),
    // Docker (docker.io 20.10, moby daemon/names): Docker has no host-side
    // hooks; jaildaemon-docker-watch(8) follows `docker events` and calls
    // the hook with the container's name and its leader's pid. `docker
    // restart NAME`; no snapshot (docker commit saves a new image, not the
    // container). Names match ^[a-zA-Z0-9][a-zA-Z0-9_.-]+$
    // (names.RestrictedNamePattern).
    Manager({
        .name = "docker",
        .description = "Docker containers (Linux); hook: jaildaemon-docker-watch",
        .program = "docker",
        .restart = "{program} restart {name}",
        .snapshot = "",
        .names = {.allowed = "_.-",
                  .not_first = "_.",
                  .why = "Docker container names hold only letters, digits, '_', '.' and '-'",
                  .why_first = "Docker container names start with a letter or a digit"},
    }),
    // LXC (lxc 5.0): lxc.hook.start-host runs on the host once the
    // container's init exists (LXC_PID, its host pid, and LXC_NAME in the
    // environment; name, "lxc" and the hook type appended to the command
    // line), lxc.hook.post-stop once it is gone: both run
    // `jaildaemon-hook --hook lxc`. `lxc-stop -r` reboots it; no snapshot
    // (lxc-snapshot wants a stopped container). The probes are labelled
    // "lxc:NAME", as the client labels -j lxc:NAME.
    Manager({
        .name = "lxc",
        .description = "LXC containers (Linux); hook: lxc.hook.start-host, lxc.hook.post-stop",
        .program = "lxc-stop",
        .restart = "{program} -r -n {name}",
        .snapshot = "",
        .names = {.allowed = "_.-",
                  .not_first = "_.",
                  .why = "LXC container names here hold only letters, digits, '_', '.' and '-'",
                  .why_first = "LXC container names here start with a letter or a digit"},
        .naming = {.jail_is_safe = true, .jail_prefix = "lxc:", .label_in_spec = true},
    }),
    // podman (4.3): an OCI hook (oci-hooks(5), a JSON file in hooks.d)
    // runs `jaildaemon-hook --hook oci podman` at poststart and poststop
    // with the container's state on its standard input (status, pid,
    // annotations; no name, hence the "jaildaemon" annotation that opts a
    // container in and names it). `podman restart NAME`; no snapshot.
    // Names as Docker's. Labelled "podman:NAME".
    Manager({
        .name = "podman",
        .description =
            "podman containers (Linux); hook: OCI hook (hooks.d), poststart and poststop",
        .program = "podman",
        .restart = "{program} restart {name}",
        .snapshot = "",
        .names = {.allowed = "_.-",
                  .not_first = "_.",
                  .why = "podman container names hold only letters, digits, '_', '.' and '-'",
                  .why_first = "podman container names start with a letter or a digit"},
        .naming = {.jail_is_safe = true, .jail_prefix = "podman:", .label_in_spec = true},
    }),
    // Any jail of a FreeBSD 15 host, found by the daemon itself
    // (jaildaemon --watch-jails runs `jaildaemon-hook --hook start watch
    // NAME JID` for each jail the kernel says appeared). Which manager
    // started it is not known: no restart or snapshot command unless the
    // [watch] section names one. The name is the jail(8) name.
    Manager({
        .name = "watch",
        .description = "any jail, found by jaildaemon --watch-jails (FreeBSD 15)",
        .program = "",
        .restart = "",
        .snapshot = "",
    }),
};

bool alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Whether c is one of the characters of set.
bool in(const char* set, unsigned char c) {
    return c != 0 && std::strchr(set, c) != nullptr;
}

// What jail(8) takes, whichever the manager.
bool jail8_name(const std::string& jail, std::string& why) {
    if (jail.empty()) {
        why = "the jail name is empty";
        return false;
    }
    if (jail.size() > 255) {
        why = "the jail name is longer than 255 bytes";
        return false;
    }
    if (jail.front() == '-') {
        why = "a jail name does not start with '-'";
        return false;
    }
    for (unsigned char c : jail) {
        if (c <= 0x20 || c == 0x7f) {
            why = "a jail name holds no spaces or control characters";
            return false;
        }
    }
    return true;
}

bool follows(const NameRule& r, const std::string& jail, std::string& why) {
    if (in(r.not_first, jail.front())) {
        why = r.why_first;
        return false;
    }
    bool ok = !(r.not_number && jail.find_first_not_of("0123456789") == std::string::npos);
    for (unsigned char c : jail)
        if ((r.allowed && !alnum(c) && !in(r.allowed, c)) || in(r.banned, c))
            ok = false;
    if (!ok)
        why = r.why;
    return ok;
}

} // namespace

std::string Manager::safe_name(const std::string& jail) const {
    const char* under = s_.naming.underscored;
    std::string s = jail;
    for (char& c : s) {
        auto u = static_cast<unsigned char>(c);
        if (under ? in(under, u) : !alnum(u))
            c = '_';
    }
    return s;
}

bool Manager::valid_name(const std::string& jail, std::string& why) const {
    return jail8_name(jail, why) && follows(s_.names, jail, why);
}

std::string Manager::jail_name(const std::string& jail) const {
    if (!s_.naming.jail_is_safe)
        return jail;
    return s_.naming.jail_prefix + safe_name(jail);
}

std::string Manager::command_name(const std::string& jail) const {
    return s_.naming.hook_gets_safe ? safe_name(jail) : jail;
}

std::string Manager::jail_spec(const std::string& jail, long jid) const {
    if (s_.naming.label_in_spec)
        return "pid:" + std::to_string(jid) + "@" + jail_name(jail);
    return std::to_string(jid);
}

std::string Manager::snapshot_template(const Section& cfg) const {
    if (s_.no_snapshot && cfg.dataset.empty())
        return "";
    return s_.snapshot;
}

std::string Manager::no_snapshot_reason(const Section&) const {
    if (s_.no_snapshot)
        return s_.no_snapshot;
    return name() + " has no snapshot command";
}

std::span<const Manager> managers() {
    return kManagers;
}

const Manager* find_manager(const std::string& name) {
    for (const Manager& m : kManagers)
        if (m.name() == name)
            return &m;
    return nullptr;
}

} // namespace jdhook
