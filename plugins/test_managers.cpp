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

TEST_CASE("the three managers are registered") {
    CHECK(find_manager("ezjail") != nullptr);
    CHECK(find_manager("bastille") != nullptr);
    CHECK(find_manager("jail") != nullptr);
    CHECK(find_manager("iocage") == nullptr);
    CHECK(managers().size() == 3);
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
                          "jaildaemon -c 'ezjail-admin onerestart example.com' -j 23 -t REBOOT",
                          "jaildaemon -c 'ezjail-admin snapshot example.com' -j 23 -r -t SNAPSHOT",
                      });
    CHECK_FALSE(p.probes[0].respawn);
    CHECK(p.probes[1].respawn);
}

TEST_CASE("bastille defaults") {
    Plan p = plan_for("", "bastille", "web01", 7);
    CHECK(lines(p) == std::vector<std::string>{
                          "jaildaemon -c 'bastille restart web01' -j 7 -t REBOOT",
                          "jaildaemon -c 'bastille zfs web01 snapshot' -j 7 -r -t SNAPSHOT",
                      });
}

TEST_CASE("jail.conf: no snapshot without a dataset, zfs snapshot -r with one") {
    Plan p = plan_for("", "jail", "db", 3);
    CHECK(lines(p) ==
          std::vector<std::string>{"jaildaemon -c 'service jail restart db' -j 3 -t REBOOT"});
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
    CHECK(p.probes[0].command == "/usr/local/bin/ezjail-admin onerestart 'web(1)'");
    CHECK(p.probes[1].title == "EZJAIL_SNAPSHOT");
    CHECK(p.probes[1].command == "zfs snapshot tank/web_1_@x-23");
    CHECK(as_command_line(p, p.probes[0]) ==
          "jaildaemon -c '/usr/local/bin/ezjail-admin onerestart '\\''web(1)'\\''' -j 23 "
          "-u 1001 -g 1001 -t EZJAIL_REBOOT");

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
