// What jaildaemon -l prints (list_view.cpp): 80 columns by default, all of
// a probe with -v.
#include "list_view.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace jd;

namespace {

ProbeInfo probe(std::uint64_t id, std::string jail, std::string title) {
    ProbeInfo p;
    p.id = id;
    p.jail = std::move(jail);
    p.jail_key = "jid:23:" + p.jail;
    p.jid = 23;
    p.title = std::move(title);
    p.command = "ezjail-admin restart " + p.jail;
    p.state = "waiting";
    p.pid = 4194303;
    return p;
}

std::size_t widest(const std::string& text) {
    std::istringstream in(text);
    std::size_t w = 0;
    for (std::string l; std::getline(in, l);)
        w = std::max(w, l.size());
    return w;
}

} // namespace

TEST_SUITE("list_view") {

    TEST_CASE("the table fits 80 columns, whatever the names") {
        ProbeInfo a = probe(1, "example_com", "REBOOT");
        ProbeInfo b = probe(4503599627370495u, std::string(200, 'j'), std::string(128, 'T'));
        b.state = "deferred";
        b.respawn = Respawn::after;
        b.triggers = 18446744073709551615u;
        b.last_run_ms = 1;
        b.last_signal = 15;
        b.last_ms = 3;
        std::string t = list_table({a, b});
        CHECK(widest(t) <= 80);
        CHECK(t.find("ID") == 0);
        CHECK(t.find("example_com") != std::string::npos);
        CHECK(t.find("REBOOT") != std::string::npos);
        CHECK(t.find("signal 15") != std::string::npos);
        // The command is in -v, not in the table.
        CHECK(t.find("ezjail-admin") == std::string::npos);
    }

    TEST_CASE("running shows the command's pid") {
        ProbeInfo p = probe(2, "web", "SNAPSHOT");
        p.state = "running";
        p.pid = 0;
        p.command_pid = 31337;
        p.last_run_ms = 1000;
        std::string t = list_table({p});
        CHECK(t.find("running  31337") != std::string::npos);
        CHECK(last_result(p) == "running");
    }

    TEST_CASE("-v shows everything") {
        ProbeInfo p = probe(3, "web", "REBOOT");
        p.uid = 80;
        p.group = "wheel";
        p.cooldown = 60;
        p.cooldown_set = true;
        p.pending = true;
        p.last_run_ms = 1000;
        p.last_exit = 3;
        p.last_ms = 12;
        p.note = "back after a failed run (exit 3)";
        p.output = {"first line", "restart: jail web not found"};
        std::string v = list_verbose({p});
        CHECK(v.find("uid/gid   80/wheel") != std::string::npos);
        CHECK(v.find("cooldown  60 s\n") != std::string::npos);
        CHECK(v.find("pending   yes") != std::string::npos);
        CHECK(v.find("exit 3, 12 ms") != std::string::npos);
        CHECK(v.find("note      back after a failed run (exit 3)") != std::string::npos);
        CHECK(v.find("command   ezjail-admin restart web") != std::string::npos);
        CHECK(v.find("    restart: jail web not found") != std::string::npos);
    }
}
