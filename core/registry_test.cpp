// The daemon's probe table: ids, lookups by id / pid / (jail, title) / jail,
// and index consistency across set_pid and erase.
#include "registry.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

using jd::Probe;
using jd::ProbeSpec;
using jd::ProbeState;
using jd::Registry;
using jd::Respawn;

namespace {

// A jail that is only a name: starts no probes.
class FakeJail : public jd::Jail {
  public:
    FakeJail(std::string key, std::string name, long id)
        : key_(std::move(key)), name_(std::move(name)), id_(id) {}
    std::string key() const override { return key_; }
    std::string name() const override { return name_; }
    long id() const override { return id_; }
    bool alive() const override { return true; }
    bool launch_target(jd::LaunchTarget&, jd::Error& err) const override {
        err.set(jd::EX_SOFTWARE_, "FakeJail starts no probes");
        return false;
    }

  private:
    std::string key_, name_;
    long id_;
};

std::shared_ptr<jd::Jail> web() {
    return std::make_shared<FakeJail>("jid:23:web", "web", 23);
}
std::shared_ptr<jd::Jail> db() {
    return std::make_shared<FakeJail>("jid:42:db", "db", 42);
}

ProbeSpec spec(const std::string& jail, const std::string& title, const std::string& label = "") {
    ProbeSpec s;
    s.jail = jail;
    s.label = label;
    s.command = "echo " + title;
    s.title = title;
    return s;
}

std::vector<std::uint64_t> ids(const std::vector<Probe*>& v) {
    std::vector<std::uint64_t> out;
    for (const Probe* p : v)
        out.push_back(p->id);
    return out;
}

using Ids = std::vector<std::uint64_t>;

} // namespace

TEST_SUITE("registry") {

    TEST_CASE("add gives increasing ids and fills the probe") {
        Registry r;
        CHECK(r.size() == 0);
        auto j = web();
        Probe& a = r.add(spec("23", "REBOOT"), j);
        CHECK(a.id == 1u);
        CHECK(a.spec.title == "REBOOT");
        CHECK(a.spec.command == "echo REBOOT");
        CHECK(a.jail == j);
        CHECK(a.state == ProbeState::spawning);
        CHECK(a.pid == 0);
        CHECK(a.triggers == 0u);
        Probe& b = r.add(spec("23", "SNAPSHOT"), j);
        Probe& c = r.add(spec("42", "REBOOT"), db());
        CHECK(b.id == 2u);
        CHECK(c.id == 3u);
        CHECK(r.size() == 3);
        // References stay valid while others are added.
        CHECK(a.id == 1u);
        CHECK(&a == r.find(1));
    }

    TEST_CASE("find by id") {
        Registry r;
        Probe& a = r.add(spec("23", "REBOOT"), web());
        Probe& b = r.add(spec("23", "SNAPSHOT"), web());
        CHECK(r.find(1) == &a);
        CHECK(r.find(2) == &b);
        CHECK(r.find(0) == nullptr);
        CHECK(r.find(3) == nullptr);
    }

    TEST_CASE("find by jail key and title") {
        Registry r;
        Probe& a = r.add(spec("23", "REBOOT"), web());
        Probe& b = r.add(spec("23", "SNAPSHOT"), web());
        Probe& c = r.add(spec("42", "REBOOT"), db());
        CHECK(r.find("jid:23:web", "REBOOT") == &a);
        CHECK(r.find("jid:23:web", "SNAPSHOT") == &b);
        CHECK(r.find("jid:42:db", "REBOOT") == &c);
        CHECK(r.find("jid:42:db", "SNAPSHOT") == nullptr);
        CHECK(r.find("jid:23:web", "reboot") == nullptr);
        // Only the key identifies a jail, not its spec or name.
        CHECK(r.find("23", "REBOOT") == nullptr);
        CHECK(r.find("web", "REBOOT") == nullptr);
        // The key and title are not run together ambiguously.
        CHECK(r.find("jid:23:web\nREBOOT", "") == nullptr);
    }

    TEST_CASE("set_pid and find_pid") {
        Registry r;
        Probe& a = r.add(spec("23", "REBOOT"), web());
        Probe& b = r.add(spec("23", "SNAPSHOT"), web());
        CHECK(r.find_pid(100) == nullptr);
        r.set_pid(a, 100);
        r.set_pid(b, 200);
        CHECK(a.pid == 100);
        CHECK(b.pid == 200);
        CHECK(r.find_pid(100) == &a);
        CHECK(r.find_pid(200) == &b);
        // A respawned probe has a new pid; the old one is forgotten.
        r.set_pid(a, 101);
        CHECK(a.pid == 101);
        CHECK(r.find_pid(100) == nullptr);
        CHECK(r.find_pid(101) == &a);
        // pid 0: no process.
        r.set_pid(a, 0);
        CHECK(a.pid == 0);
        CHECK(r.find_pid(101) == nullptr);
        CHECK(r.find_pid(0) == nullptr);
        CHECK(r.find_pid(200) == &b);
    }

    TEST_CASE("erase keeps every index consistent") {
        Registry r;
        Probe& a = r.add(spec("23", "REBOOT"), web());
        Probe& b = r.add(spec("23", "SNAPSHOT", "lxc:web"), web());
        r.set_pid(a, 100);
        r.set_pid(b, 200);
        r.erase(1);
        CHECK(r.size() == 1);
        CHECK(r.find(1) == nullptr);
        CHECK(r.find_pid(100) == nullptr);
        CHECK(r.find("jid:23:web", "REBOOT") == nullptr);
        CHECK(ids(r.of_jail("web")) == Ids{2});
        CHECK(ids(r.all()) == Ids{2});
        // The other probe is untouched.
        CHECK(r.find(2) == &b);
        CHECK(r.find_pid(200) == &b);
        CHECK(r.find("jid:23:web", "SNAPSHOT") == &b);

        r.erase(2);
        CHECK(r.size() == 0);
        CHECK(r.find_pid(200) == nullptr);
        CHECK(r.find("jid:23:web", "SNAPSHOT") == nullptr);
        CHECK(r.of_jail("web").empty());
        CHECK(r.of_jail("lxc:web").empty());
        CHECK(r.all().empty());
    }

    TEST_CASE("erase of an unknown id does nothing") {
        Registry r;
        Probe& a = r.add(spec("23", "REBOOT"), web());
        r.set_pid(a, 100);
        r.erase(7);
        r.erase(0);
        CHECK(r.size() == 1);
        CHECK(r.find(1) == &a);
        CHECK(r.find_pid(100) == &a);
        CHECK(r.find("jid:23:web", "REBOOT") == &a);
        r.erase(1);
        r.erase(1);
        CHECK(r.size() == 0);
    }

    TEST_CASE("ids are never reused") {
        Registry r;
        r.add(spec("23", "A"), web());
        r.add(spec("23", "B"), web());
        r.erase(2);
        CHECK(r.add(spec("23", "B"), web()).id == 3u);
        r.erase(1);
        r.erase(3);
        CHECK(r.size() == 0);
        CHECK(r.add(spec("23", "A"), web()).id == 4u);
        CHECK(r.find(1) == nullptr);
        CHECK(r.find(2) == nullptr);
        CHECK(r.find(3) == nullptr);
    }

    TEST_CASE("restore keeps the saved id; later ids start above it") {
        Registry r;
        CHECK(r.next_id() == 1u);
        Probe& a = r.restore(7, spec("23", "REBOOT"), web());
        CHECK(a.id == 7u);
        CHECK(r.find(7) == &a);
        CHECK(r.find("jid:23:web", "REBOOT") == &a);
        CHECK(r.next_id() == 8u);
        r.restore(3, spec("23", "SNAPSHOT"), web());
        CHECK(r.next_id() == 8u);
        CHECK(r.add(spec("42", "REBOOT"), db()).id == 8u);
        r.set_next_id(5); // never goes back
        CHECK(r.next_id() == 9u);
        CHECK(ids(r.all()) == Ids{3, 7, 8});
    }

    TEST_CASE("of_jail by key, spec, label and name") {
        Registry r;
        auto w = web();
        r.add(spec("23", "REBOOT"), w);                   // 1
        r.add(spec("42", "REBOOT"), db());                // 2
        r.add(spec("pid:777", "SNAPSHOT", "lxc:web"), w); // 3
        r.add(spec("web", "ROUTES"), w);                  // 4
        CHECK(ids(r.of_jail("jid:23:web")) == Ids{1, 3, 4});
        CHECK(ids(r.of_jail("web")) == Ids{1, 3, 4});
        CHECK(ids(r.of_jail("23")) == Ids{1});
        CHECK(ids(r.of_jail("pid:777")) == Ids{3});
        CHECK(ids(r.of_jail("lxc:web")) == Ids{3});
        CHECK(ids(r.of_jail("jid:42:db")) == Ids{2});
        CHECK(ids(r.of_jail("db")) == Ids{2});
        CHECK(ids(r.of_jail("42")) == Ids{2});
        CHECK(r.of_jail("lxc:db").empty());
        CHECK(r.of_jail("2").empty());
        // An empty label matches nothing.
        CHECK(r.of_jail("").empty());
        CHECK(ids(r.all()) == Ids{1, 2, 3, 4});
    }

    TEST_CASE("of_jail: a jail as its manager names it (ezjail's safe name)") {
        Registry r;
        auto j = std::make_shared<FakeJail>("jid:5:example_com", "example_com", 5);
        r.add(spec("example_com", "REBOOT"), j); // 1
        r.add(spec("42", "REBOOT"), db());       // 2
        CHECK(ids(r.of_jail("example_com")) == Ids{1});
        CHECK(ids(r.of_jail("example.com")) == Ids{1});
        CHECK(r.of_jail("example.org").empty());
        CHECK(r.of_jail("example").empty());
        CHECK(jd::jail_name_matches("a-b.c", {"a_b_c"}));
        CHECK_FALSE(jd::jail_name_matches("", {""}));
    }

    TEST_CASE("info reports the probe") {
        Registry r;
        ProbeSpec s = spec("23", "SNAPSHOT");
        s.respawn = Respawn::after;
        s.uid = 0;
        s.gid = 80;
        Probe& p = r.add(s, web());
        r.set_pid(p, 4321);
        p.state = ProbeState::waiting;
        p.triggers = 5;
        jd::ProbeInfo i = r.info(p);
        CHECK(i.id == 1u);
        CHECK(i.jail == "web");
        CHECK(i.jail_key == "jid:23:web");
        CHECK(i.jid == 23);
        CHECK(i.command == "echo SNAPSHOT");
        CHECK(i.title == "SNAPSHOT");
        CHECK(i.respawn == Respawn::after);
        REQUIRE(i.uid.has_value());
        CHECK(*i.uid == 0u);
        CHECK(*i.gid == 80u);
        CHECK(i.state == "waiting");
        CHECK(i.pid == 4321);
        CHECK(i.triggers == 5u);
    }

    TEST_CASE("state names") {
        CHECK(std::string(jd::state_name(ProbeState::waiting)) == "waiting");
        CHECK(std::string(jd::state_name(ProbeState::running)) == "running");
        CHECK(std::string(jd::state_name(ProbeState::spawning)) == "spawning");
    }

    // Engine::add registers the new probe of a jail+title first and then
    // forgets the old one (or forgets the new one when it cannot be launched).
    // Either erase must leave the survivor findable by (jail key, title), or the
    // next run of the jail's start hook no longer replaces it and probes double.
    TEST_CASE("replacing: erasing the older of two same-title probes keeps the newer findable") {
        Registry r;
        Probe& old_probe = r.add(spec("23", "REBOOT"), web());
        Probe& new_probe = r.add(spec("23", "REBOOT"), web());
        CHECK(r.find("jid:23:web", "REBOOT") == &new_probe);
        r.erase(old_probe.id);
        CHECK(r.size() == 1);
        CHECK(r.find("jid:23:web", "REBOOT") == &new_probe);
    }

    TEST_CASE("replacing: erasing the newer of two same-title probes keeps the older findable") {
        Registry r;
        Probe& old_probe = r.add(spec("23", "REBOOT"), web());
        Probe& new_probe = r.add(spec("23", "REBOOT"), web());
        r.erase(new_probe.id);
        CHECK(r.size() == 1);
        CHECK(r.find("jid:23:web", "REBOOT") == &old_probe);
    }

} // TEST_SUITE
