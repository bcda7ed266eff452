// Declared probes ([probe NAME] sections): parsing, which jails and
// managers they apply to, their command lines.
#include "hook_config.hpp"
#include "manager.hpp"
#include "plan.hpp"

#include <doctest/doctest.h>

using namespace jdhook;

namespace {

const char* const kRoutes = "[probe routes]\n"
                            "title = UPDATE_ROUTING\n"
                            "command = /usr/local/bin/reload_routing_table.sh {name}\n"
                            "respawn = after\n"
                            "cooldown = 5\n"
                            "uid = 80\n"
                            "jails = web* mail.example.com\n"
                            "managers = ezjail bastille\n";

std::string parse_err(const std::string& text) {
    Config c;
    std::string err;
    return parse_config(text, "t.conf", c, err) ? "" : err;
}

bool plan(const std::string& conf, const std::string& manager, const std::string& jail, Plan& p,
          std::string& err) {
    Config c;
    if (!parse_config(conf, "t.conf", c, err))
        return false;
    return make_plan(c, *find_manager(manager), jail, 7, p, err);
}

std::vector<std::string> lines(const Plan& p) {
    std::vector<std::string> out;
    for (const auto& pr : p.probes)
        out.push_back(as_command_line(p, pr));
    return out;
}

} // namespace

TEST_CASE("a [probe] section is read whole") {
    Config c;
    std::string err;
    REQUIRE_MESSAGE(parse_config(kRoutes, "t.conf", c, err), err);
    REQUIRE(c.declared.size() == 1);
    const DeclaredProbe& d = c.declared[0];
    CHECK(d.name == "routes");
    CHECK(d.origin == "t.conf:1");
    CHECK(d.title == "UPDATE_ROUTING");
    CHECK(d.respawn == "after");
    CHECK(d.cooldown == 5u);
    CHECK(d.uid == Id{80, ""});
    CHECK_FALSE(d.gid.has_value());
    CHECK(d.jails == std::vector<std::string>{"web*", "mail.example.com"});
    CHECK(d.managers == std::vector<std::string>{"ezjail", "bastille"});
}

TEST_CASE("ezjail and Bastille register the declared probe after theirs, with its command") {
    Plan p;
    std::string err;
    REQUIRE_MESSAGE(plan(kRoutes, "ezjail", "web.example.com", p, err), err);
    CHECK(lines(p) == std::vector<std::string>{
                          "jaildaemon -c 'ezjail-admin onerestart web_example_com' -j 7 -t REBOOT",
                          "jaildaemon -c 'ezjail-admin snapshot web_example_com' -j 7 -r "
                          "--cooldown 60 -t SNAPSHOT",
                          "jaildaemon -c '/usr/local/bin/reload_routing_table.sh web_example_com' "
                          "-j 7 -r -u 80 --cooldown 5 -t UPDATE_ROUTING"});
    REQUIRE_MESSAGE(plan(kRoutes, "bastille", "web1", p, err), err);
    REQUIRE(p.probes.size() == 3);
    CHECK(p.probes[2].kind == Kind::declared);
    CHECK(p.probes[2].command == "/usr/local/bin/reload_routing_table.sh web1");
    CHECK(p.probes[2].section == "[probe routes] (t.conf:1)");
}

TEST_CASE("jails: globs on the name, the safe name or the jail(8) name; managers: a list") {
    Plan p;
    std::string err;
    // ezjail's hook gets the safe name: mail_example_com matches
    // "mail.example.com" through its safe name.
    REQUIRE(plan(kRoutes, "ezjail", "mail_example_com", p, err));
    CHECK(p.probes.size() == 3);
    REQUIRE(plan(kRoutes, "ezjail", "db1", p, err));
    CHECK(p.probes.size() == 2);
    REQUIRE(plan(kRoutes, "iocage", "web1", p, err));
    CHECK(p.probes.size() == 2); // not one of its managers
    const std::string every = "[probe all]\ntitle = ALL\ncommand = echo {safename} {jid}\n";
    REQUIRE(plan(every, "iocage", "web.1", p, err));
    REQUIRE(p.probes.size() == 3);
    CHECK(p.probes[2].command == "echo web_1 7");
    CHECK_FALSE(p.probes[2].respawn);
    REQUIRE(plan(every + "jails = ioc-web*\n", "iocage", "web.1", p, err));
    CHECK(p.probes.size() == 3); // the jail(8) name ioc-web_1
}

TEST_CASE("respawn now is -R; the global uid and gid apply unless the section sets its own") {
    Plan p;
    std::string err;
    REQUIRE(plan("uid = 5\ngid = 6\nprobes = none\n[probe t]\ntitle = TUN\n"
                 "command = /sbin/ifconfig tun{jid} up\nrespawn = now\ngid = 0\n",
                 "jail", "vpn", p, err));
    CHECK(lines(p) == std::vector<std::string>{
                          "jaildaemon -c '/sbin/ifconfig tun7 up' -j 7 -R -u 5 -g 0 -t TUN"});
}

TEST_CASE("a name for uid or gid is shown as the name, in the section or global") {
    Plan p;
    std::string err;
    REQUIRE(plan("uid = www\nprobes = reboot\n[probe t]\ntitle = TUN\ncommand = /bin/true\n"
                 "uid = 80\ngid = wheel\n",
                 "jail", "vpn", p, err));
    CHECK(lines(p) ==
          std::vector<std::string>{"jaildaemon -c 'service jail restart vpn' -j 7 -u www -t REBOOT",
                                   "jaildaemon -c /bin/true -j 7 -u 80 -g wheel -t TUN"});
}

TEST_CASE("nothing from the jail: {name} is quoted, the command is the host's template") {
    Plan p;
    std::string err;
    REQUIRE(plan("[probe q]\ntitle = Q\ncommand = /bin/echo {name}\n", "jail", "a$(id)b", p, err));
    CHECK(p.probes.back().command == "/bin/echo 'a$(id)b'");
}

TEST_CASE("bad [probe] sections: one line with file and line") {
    CHECK(parse_err("[probe]\n") == "t.conf:1: a probe section is [probe NAME], NAME one word");
    CHECK(parse_err("[probe a b]\n") == "t.conf:1: a probe section is [probe NAME], NAME one word");
    CHECK(parse_err("\n[probe a]\ncommand = x\n") == "t.conf:2: [probe a] needs a title");
    CHECK(parse_err("[probe a]\ntitle = A\n[ezjail]\n") == "t.conf:1: [probe a] needs a command");
    CHECK(parse_err("[probe a]\ntitle = A\ncommand = x\nrespawn = always\n") ==
          "t.conf:4: respawn must be none, after or now");
    CHECK(parse_err("[probe a]\ntitle = -A\n").rfind("t.conf:2: a title must not start", 0) == 0);
    CHECK(parse_err("[probe a]\ntitle = A\ncommand = x {ip}\n").rfind("t.conf:3: ", 0) == 0);
    CHECK(parse_err("[probe a]\ntitle = A\ncommand = x\nmanagers = ezjail nope\n") ==
          "t.conf:4: unknown manager \"nope\" (see: jaildaemon-hook list)");
    CHECK(parse_err("[probe a]\ntitle = A\ncommand = x\nuid = www:www\n") ==
          "t.conf:4: uid must be a number from 0 to 4294967294 or a user name (at most 32 of "
          "A-Z a-z 0-9 . _ -)");
    CHECK(parse_err("[probe a]\ntitle = A\ncommand = x\ncooldown = 99999\n") ==
          "t.conf:4: cooldown must be a number of seconds from 0 to 86400");
    CHECK(parse_err("[probe a]\ntitle = A\ncommand = x\nsnapshot = y\n")
              .rfind("t.conf:4: unknown key \"snapshot\" in [probe a]", 0) == 0);
    CHECK(parse_err("[probe a]\ntitle = A\ncommand = x\n[probe a]\n") ==
          "t.conf:4: section [probe a] appears twice");
    CHECK(parse_err("[probe a]\ntitle = A\ncommand = x\n[probe b]\ntitle = A\ncommand = y\n") ==
          "t.conf:4: [probe b] has the title A of [probe a] (t.conf:1) for the same jails");
    // The same title for other jails is fine.
    CHECK(parse_err("[probe a]\ntitle = A\ncommand = x\njails = w*\n"
                    "[probe b]\ntitle = A\ncommand = y\njails = m*\n") == "");
}

TEST_CASE("titles stay unique per jail") {
    Plan p;
    std::string err;
    CHECK_FALSE(plan("[probe r]\ntitle = REBOOT\ncommand = x\n", "ezjail", "web", p, err));
    CHECK(err == "t.conf:1: [probe r] title REBOOT is the built-in reboot probe's for ezjail jail "
                 "web");
    // Two sections whose globs both match one jail.
    CHECK_FALSE(plan("[probe a]\ntitle = A\ncommand = x\njails = w*\n"
                     "[probe b]\ntitle = A\ncommand = y\njails = *b\n",
                     "jail", "web", p, err));
    CHECK(err == "t.conf:5: [probe b] title A is also the title of [probe a] (t.conf:1) for jail "
                 "jail web");
    // {dataset} where the manager has none.
    CHECK_FALSE(plan("[probe d]\ntitle = D\ncommand = zfs snapshot {dataset}@x\n", "bastille",
                     "web", p, err));
    CHECK(err.rfind("t.conf:1: [probe d] command: placeholder {dataset} has no value", 0) == 0);
}

TEST_CASE("watch: REBOOT and SNAPSHOT only with the commands of [watch]") {
    Plan p;
    std::string err;
    // jaildaemon --watch-jails does not know the jail's manager: nothing
    // but the declared probes without a [watch] command.
    REQUIRE(plan(kRoutes, "watch", "web01", p, err));
    CHECK(p.probes.empty()); // routes names ezjail and bastille only
    REQUIRE(p.notes.size() == 2);
    CHECK(p.notes[0] == "no REBOOT probe: watch has no restart command: set restart in [watch]");
    CHECK(p.notes[1] == "no SNAPSHOT probe: watch has no snapshot command");

    const std::string conf = "[watch]\n"
                             "restart = service jail restart {name}\n"
                             "snapshot = zfs snapshot -r zroot/jails/{name}@jd-{jid}\n"
                             "[probe routes]\n"
                             "title = UPDATE_ROUTING\n"
                             "command = /usr/local/bin/reload_routing_table.sh {name}\n"
                             "managers = watch\n";
    REQUIRE(plan(conf, "watch", "web01", p, err));
    REQUIRE(p.probes.size() == 3);
    CHECK(p.label == "web01");
    CHECK(p.probes[0].title == "REBOOT");
    CHECK(p.probes[0].command == "service jail restart web01");
    CHECK(p.probes[1].title == "SNAPSHOT");
    CHECK(p.probes[1].command == "zfs snapshot -r zroot/jails/web01@jd-7");
    CHECK(p.probes[2].title == "UPDATE_ROUTING");
    CHECK(p.probes[2].command == "/usr/local/bin/reload_routing_table.sh web01");
}
