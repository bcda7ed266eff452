#include "hook_config.hpp"
#include "manager.hpp"
#include "plan.hpp"

#include <doctest/doctest.h>

using namespace jdhook;

namespace {

Plan plan_for(const std::string& conf, const std::string& manager, const std::string& jail,
              long jid) {
    Config c;
    std::string err;
    REQUIRE_MESSAGE(parse_config(conf, "t.conf", c, err), err);
    const Manager* m = find_manager(manager);
    REQUIRE(m != nullptr);
    Plan p;
    REQUIRE_MESSAGE(make_plan(c, *m, jail, jid, p, err), err);
    return p;
}

std::vector<std::string> lines(const Plan& p) {
    std::vector<std::string> out;
    for (const auto& pr : p.probes)
        out.push_back(as_command_line(p, pr));
    return out;
}

} // namespace

TEST_CASE("the eleven managers are registered, in list order") {
    std::vector<std::string> names;
    for (const auto& m : managers())
        names.push_back(m.name());
    CHECK(names == std::vector<std::string>{"ezjail", "bastille", "jail", "iocage", "pot",
                                            "appjail", "cbsd", "docker", "lxc", "podman", "watch"});
    CHECK(find_manager("kubernetes") == nullptr);
}

TEST_CASE("jail(8) names: what jls -j knows and the probes are labelled with") {
    CHECK(find_manager("ezjail")->jail_name("www.example.com") == "www_example_com");
    CHECK(find_manager("ezjail")->jail_name("www_example_com") == "www_example_com");
    CHECK(find_manager("iocage")->jail_name("web.1") == "ioc-web_1");
    CHECK(find_manager("bastille")->jail_name("web01") == "web01");
    CHECK(find_manager("pot")->jail_name("web") == "web");
    CHECK(find_manager("appjail")->jail_name("web") == "web");
    CHECK(find_manager("cbsd")->jail_name("web") == "web");
    CHECK(find_manager("jail")->jail_name("web.lan") == "web.lan");
    Plan p = plan_for("", "ezjail", "example.com", 23);
    CHECK(p.label == "example_com");
}

TEST_CASE("new managers: names they accept") {
    std::string why;
    CHECK(find_manager("iocage")->valid_name("web.example_1-a", why));
    CHECK_FALSE(find_manager("iocage")->valid_name("web+1", why));
    CHECK(find_manager("pot")->valid_name("web-1_a", why));
    CHECK_FALSE(find_manager("pot")->valid_name("web.1", why));
    CHECK(find_manager("appjail")->valid_name("_web-1", why));
    CHECK_FALSE(find_manager("appjail")->valid_name("web.1", why));
    CHECK(find_manager("cbsd")->valid_name("web@1:a%b", why));
    CHECK_FALSE(find_manager("cbsd")->valid_name("web.1", why));
}

TEST_CASE("iocage, pot, AppJail, cbsd defaults") {
    CHECK(lines(plan_for("", "iocage", "web", 4)) ==
          std::vector<std::string>{
              "jaildaemon -c 'iocage restart web' -j 4 -t REBOOT",
              "jaildaemon -c 'iocage snapshot web' -j 4 -r --cooldown 2 -t SNAPSHOT",
          });
    CHECK(lines(plan_for("", "pot", "web", 4)) ==
          std::vector<std::string>{
              "jaildaemon -c 'pot stop -p web && pot start -p web' -j 4 -t REBOOT",
              "jaildaemon -c 'r=$(pot config -q -g zfs_root) && [ -n \"$r\" ] && zfs snapshot -r "
              "\"$r/jails/\"web\"@$(date +%s)\"' -j 4 -r --cooldown 2 -t SNAPSHOT",
          });
    Plan a = plan_for("", "appjail", "web", 4);
    CHECK(lines(a) ==
          std::vector<std::string>{"jaildaemon -c 'appjail restart web' -j 4 -t REBOOT"});
    REQUIRE(a.notes.size() == 1);
    CHECK(a.notes[0].find("no SNAPSHOT probe: AppJail has no working snapshot command") == 0);
    Plan ad = plan_for("[appjail]\ndataset = zroot/appjail/jails/{name}\n", "appjail", "web", 4);
    REQUIRE(ad.probes.size() == 2);
    CHECK(ad.probes[1].command ==
          "zfs snapshot -r zroot/appjail/jails/web@jaildaemon-$(date +%Y%m%d%H%M%S)");
    CHECK(ad.notes.empty());
    CHECK(lines(plan_for("", "cbsd", "web", 4)) ==
          std::vector<std::string>{
              "jaildaemon -c 'cbsd jrestart jname=web' -j 4 -t REBOOT",
              "jaildaemon -c 'cbsd jsnapshot mode=create jname=web snapname=gettimeofday' -j 4 "
              "-r --cooldown 2 -t SNAPSHOT",
          });
}

TEST_CASE("snapshot cooldowns follow the managers' snapshot naming") {
    CHECK(find_manager("ezjail")->snapshot_cooldown() == 60u); // ez-autosnap-%Y%m%d%H%M
    for (const char* m : {"bastille", "jail", "iocage", "pot", "appjail", "cbsd"})
        CHECK(find_manager(m)->snapshot_cooldown() == 2u);
    Plan p = plan_for("", "ezjail", "web", 3);
    CHECK_FALSE(p.probes[0].cooldown); // REBOOT: none
    CHECK(p.probes[1].cooldown == 60u);
    Plan q = plan_for("[ezjail]\nsnapshot_cooldown = 300\n", "ezjail", "web", 3);
    CHECK(q.probes[1].cooldown == 300u);
    Config c;
    std::string err;
    CHECK_FALSE(parse_config("[ezjail]\nsnapshot_cooldown = 1h\n", "t.conf", c, err));
    CHECK(err == "t.conf:2: snapshot_cooldown must be a number of seconds from 0 to 86400");
}

TEST_CASE("names are sanitised the way each manager does it") {
    CHECK(find_manager("ezjail")->safe_name("www.example.com") == "www_example_com");
    CHECK(find_manager("ezjail")->safe_name("a-b+c_d9") == "a_b_c_d9");
    CHECK(find_manager("jail")->safe_name("web.example/child") == "web_example_child");
    CHECK(find_manager("jail")->safe_name("a-b") == "a-b");
    CHECK(find_manager("bastille")->safe_name("web-01") == "web-01");

    std::string why;
    CHECK(find_manager("bastille")->valid_name("web-01_x", why));
    CHECK_FALSE(find_manager("bastille")->valid_name("web.example", why));
    CHECK_FALSE(find_manager("bastille")->valid_name("_web", why));
    CHECK_FALSE(find_manager("jail")->valid_name("23", why));
    CHECK(find_manager("ezjail")->valid_name("example.com", why));
    CHECK_FALSE(find_manager("ezjail")->valid_name("-rf", why));
    CHECK_FALSE(find_manager("ezjail")->valid_name("two words", why));
    CHECK_FALSE(find_manager("ezjail")->valid_name("", why));
}

TEST_CASE("ezjail: onerestart without respawn, snapshot with respawn") {
    Plan p = plan_for("", "ezjail", "example.com", 23);
    CHECK(p.safename == "example_com");
    CHECK(lines(p) == std::vector<std::string>{
                          "jaildaemon -c 'ezjail-admin onerestart example_com' -j 23 -t REBOOT",
                          "jaildaemon -c 'ezjail-admin snapshot example_com' -j 23 -r --cooldown "
                          "60 -t SNAPSHOT",
                      });
    CHECK_FALSE(p.probes[0].respawn);
    CHECK(p.probes[1].respawn);
    // ezjail hands its hook the safe name: a preview by the dotted name
    // shows what the hook runs.
    CHECK(lines(plan_for("", "ezjail", "example_com", 23)) == lines(p));
}

TEST_CASE("pot: SNAPSHOT is what pot runs itself, zfs snapshot -r of the pot's dataset") {
    // pot snapshot refuses a running pot, and a probe fires only in one.
    Plan p = plan_for("zfs = /sbin/zfs\n", "pot", "web", 5);
    REQUIRE(p.probes.size() == 2);
    CHECK(p.probes[1].command == "r=$(pot config -q -g zfs_root) && [ -n \"$r\" ] && /sbin/zfs "
                                 "snapshot -r \"$r/jails/\"web\"@$(date +%s)\"");
    CHECK(p.probes[1].cooldown == 2u); // named by the second
    CHECK(p.probes[0].command == "pot stop -p web && pot start -p web");
}

TEST_CASE("a dry run of a jail that is not running: the jid is a placeholder") {
    Config c;
    Plan p;
    std::string err;
    REQUIRE(
        parse_config("[ezjail]\nsnapshot = zfs snapshot tank/{name}@{jid}\n", "t.conf", c, err));
    REQUIRE(make_plan(c, *find_manager("ezjail"), "example.com", std::nullopt, p, err));
    CHECK_FALSE(p.jid_known);
    CHECK(lines(p) == std::vector<std::string>{
                          "jaildaemon -c 'ezjail-admin onerestart example_com' -j example_com -t "
                          "REBOOT",
                          "jaildaemon -c 'zfs snapshot tank/example_com@{jid}' -j example_com -r "
                          "--cooldown 60 -t SNAPSHOT",
                      });
}

TEST_CASE("bastille defaults") {
    Plan p = plan_for("", "bastille", "web01", 7);
    CHECK(lines(p) == std::vector<std::string>{
                          "jaildaemon -c 'bastille restart web01' -j 7 -t REBOOT",
                          "jaildaemon -c 'bastille zfs web01 snapshot' -j 7 -r --cooldown 2 -t "
                          "SNAPSHOT",
                      });
}

TEST_CASE("jail.conf: no snapshot without a dataset, zfs snapshot -r with one") {
    Plan p = plan_for("", "jail", "db", 3);
    CHECK(lines(p) ==
          std::vector<std::string>{"jaildaemon -c 'service jail restart db' -j 3 -t REBOOT"});
    CHECK(p.notes == std::vector<std::string>{
                         "no SNAPSHOT probe: rc.d/jail has no snapshot command: set \"dataset\" "
                         "in [jail]"});
    Plan q = plan_for("[jail]\ndataset = zroot/jails/{safename}\n", "jail", "db.lan", 3);
    REQUIRE(q.probes.size() == 2);
    CHECK(q.probes[1].command == "zfs snapshot -r zroot/jails/db_lan@jaildaemon-$(date "
                                 "+%Y%m%d%H%M%S)");
}

TEST_CASE("overrides, titles, uid and opt-out") {
    Plan p = plan_for("title_prefix = yes\nuid = 1001\ngid = 1001\n"
                      "[ezjail]\nprogram = /usr/local/bin/ezjail-admin\n"
                      "snapshot = zfs snapshot tank/{safename}@x-{jid}\n",
                      "ezjail", "web(1)", 23);
    REQUIRE(p.probes.size() == 2);
    CHECK(p.probes[0].title == "EZJAIL_REBOOT");
    CHECK(p.probes[0].command == "/usr/local/bin/ezjail-admin onerestart web_1_");
    CHECK(p.probes[1].title == "EZJAIL_SNAPSHOT");
    CHECK(p.probes[1].command == "zfs snapshot tank/web_1_@x-23");
    CHECK(as_command_line(p, p.probes[0]) ==
          "jaildaemon -c '/usr/local/bin/ezjail-admin onerestart web_1_' -j 23 "
          "-u 1001 -g 1001 -t EZJAIL_REBOOT");
    Plan q = plan_for("[bastille]\nrestart = echo {name}\n", "bastille", "web-1", 23);
    CHECK(q.probes[0].command == "echo web-1");

    Plan only = plan_for("probes = reboot\n", "bastille", "web", 5);
    CHECK(only.probes.size() == 1);
    Plan off = plan_for("[bastille]\nsnapshot =\n", "bastille", "web", 5);
    CHECK(off.probes.size() == 1);
    Plan ex =
        plan_for("[ezjail]\nexclude = other www_example_com\n", "ezjail", "www.example.com", 5);
    CHECK(ex.excluded);
    CHECK(ex.probes.empty());
    Plan ex2 = plan_for("exclude = web\n", "bastille", "web", 5);
    CHECK(ex2.excluded);
    Plan notex = plan_for("[ezjail]\nexclude = web\n", "bastille", "web", 5);
    CHECK_FALSE(notex.excluded);
    // The name as written in the configuration, the safe name as ezjail
    // hands it to the hook, and the other way round.
    CHECK(plan_for("exclude = example.com\n", "ezjail", "example_com", 5).excluded);
    CHECK(plan_for("exclude = example_com\n", "ezjail", "example.com", 5).excluded);
    CHECK(plan_for("[iocage]\nexclude = www.lan\n", "iocage", "www_lan", 5).excluded);
    CHECK_FALSE(plan_for("exclude = example.org\n", "ezjail", "example_com", 5).excluded);
    CHECK_FALSE(plan_for("exclude = web.1\n", "bastille", "web_1", 5).excluded);

    CHECK(plan_for("probes = both\n", "bastille", "web", 5).probes.size() == 2);
    CHECK(plan_for("probes = none\n", "bastille", "web", 5).probes.empty());
    CHECK(plan_for("probes = snapshot reboot\n", "bastille", "web", 5).probes.size() == 2);
    CHECK(plan_for("[bastille]\nprobes = none\n", "bastille", "web", 5).probes.empty());
    Config c;
    std::string err;
    CHECK_FALSE(parse_config("probes =\n", "t.conf", c, err));
    CHECK(err == "t.conf:1: probes is empty (write \"none\" for no probes)");
    CHECK_FALSE(parse_config("probes = both reboot\n", "t.conf", c, err));
}

TEST_CASE("make_plan refuses bad names and jids") {
    Config c;
    Plan p;
    std::string err;
    CHECK_FALSE(make_plan(c, *find_manager("bastille"), "web.example", 3, p, err));
    CHECK(err.find("bad jail name") == 0);
    CHECK_FALSE(make_plan(c, *find_manager("ezjail"), "web", 0, p, err));
    CHECK(err == "bad jid 0");
}

TEST_CASE("why a name is refused: jail(8)'s rule first, then the manager's") {
    auto why = [](const char* manager, const std::string& jail) {
        std::string w;
        CHECK_FALSE(find_manager(manager)->valid_name(jail, w));
        return w;
    };
    CHECK(why("cbsd", "") == "the jail name is empty");
    CHECK(why("pot", std::string(256, 'a')) == "the jail name is longer than 255 bytes");
    CHECK(why("bastille", "-web") == "a jail name does not start with '-'");
    CHECK(why("appjail", "a\tb") == "a jail name holds no spaces or control characters");
    CHECK(why("bastille", "_web.1") == "Bastille jail names do not start with '-' or '_'");
    CHECK(why("bastille", "web.1") == "Bastille jail names hold only letters, digits, '-' and '_'");
    CHECK(why("jail", "23") == "a jail name is not a number (numbers are jids)");
    CHECK(why("iocage", "web+1") ==
          "iocage jail names hold only letters, digits, '.', '_' and '-'");
    CHECK(why("pot", "web.1") == "pot names hold no '.'");
    CHECK(why("appjail", "web.1") ==
          "AppJail jail names hold only letters, digits, '_' and '-', not first");
    CHECK(why("cbsd", "web.1") == "cbsd jail names hold only letters, digits and -_@%:");
    std::string w;
    CHECK(find_manager("jail")->valid_name("23a", w));
    CHECK(find_manager("ezjail")->valid_name("_web+1", w));
    CHECK(find_manager("iocage")->valid_name(".web", w));
}

TEST_CASE("snapshot templates: jail.conf and AppJail only with a dataset") {
    Section none, with;
    with.dataset = "{dataset}";
    for (const auto& m : managers()) {
        if (m.name() == "docker" || m.name() == "lxc" || m.name() == "podman" ||
            m.name() == "watch")
            continue; // no snapshot at all: the Linux cases below, plan_test (watch)
        bool needs = m.name() == "jail" || m.name() == "appjail";
        CHECK(m.snapshot_template(none).empty() == needs);
        CHECK_FALSE(m.snapshot_template(with).empty());
    }
    CHECK(find_manager("jail")->snapshot_template(with) ==
          "{zfs} snapshot -r {dataset}@jaildaemon-$(date +%Y%m%d%H%M%S)");
    CHECK(find_manager("ezjail")->no_snapshot_reason(none) == "ezjail has no snapshot command");
}

TEST_CASE("docker: docker restart without respawn, no snapshot, Docker's names") {
    Plan p = plan_for("", "docker", "web-1.a_b", 4242);
    CHECK(lines(p) == std::vector<std::string>{"jaildaemon -c 'docker restart web-1.a_b' -j 4242 "
                                               "-t REBOOT"});
    CHECK(p.label == "web-1.a_b");
    CHECK(p.notes == std::vector<std::string>{"no SNAPSHOT probe: docker has no snapshot command"});
    const Manager* m = find_manager("docker");
    Section with;
    with.dataset = "{dataset}";
    CHECK(m->snapshot_template(with).empty());
    CHECK_FALSE(m->uses_dataset());
    std::string why;
    CHECK(m->valid_name("Web01", why));
    CHECK_FALSE(m->valid_name("_web", why));
    CHECK(why == "Docker container names start with a letter or a digit");
    CHECK_FALSE(m->valid_name(".web", why));
    CHECK_FALSE(m->valid_name("-web", why));
    CHECK_FALSE(m->valid_name("web;reboot", why));
    CHECK(why == "Docker container names hold only letters, digits, '_', '.' and '-'");
    CHECK_FALSE(m->valid_name("web/1", why));
    CHECK_FALSE(m->valid_name("$(id)", why));
    // The program can be another docker (a private dockerd, as in tests).
    Plan q = plan_for("[docker]\nprogram = docker -H unix:///run/d.sock\n", "docker", "web", 7);
    CHECK(lines(q) ==
          std::vector<std::string>{
              "jaildaemon -c 'docker -H unix:///run/d.sock restart web' -j 7 -t REBOOT"});
}

TEST_CASE("lxc and podman: restart without respawn, no snapshot, labelled MANAGER:NAME") {
    Plan p = plan_for("", "lxc", "web-1", 4242);
    CHECK(p.label == "lxc:web-1");
    CHECK(lines(p) ==
          std::vector<std::string>{"jaildaemon -c 'lxc-stop -r -n web-1' -j 4242 -t REBOOT"});
    REQUIRE(p.notes.size() == 1);
    CHECK(p.notes[0] == "no SNAPSHOT probe: lxc has no snapshot command");
    p = plan_for("", "podman", "web.1", 7);
    CHECK(p.label == "podman:web.1");
    CHECK(lines(p) ==
          std::vector<std::string>{"jaildaemon -c 'podman restart web.1' -j 7 -t REBOOT"});
    std::string w;
    CHECK_FALSE(find_manager("podman")->valid_name("_x", w));
    CHECK_FALSE(find_manager("lxc")->valid_name("a/b", w));
    // A declared probe for the containers, {name} the container's name.
    p = plan_for("[probe fw]\ntitle = FW\ncommand = /usr/local/sbin/fw-reload {name}\n"
                 "managers = lxc podman\n",
                 "podman", "web1", 7);
    REQUIRE(p.probes.size() == 2);
    CHECK(p.probes[1].command == "/usr/local/sbin/fw-reload web1");
}
