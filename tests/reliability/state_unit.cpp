// The state file: encoding, strict decoding, atomic save, corrupt files
// moved aside.
#include "state.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace jd;

namespace {

SavedState sample() {
    SavedState s;
    s.next_id = 9;
    SavedProbe a;
    a.id = 3;
    a.spec.jail = "pid:77@lxc:web";
    a.spec.label = "lxc:web";
    a.spec.command = "zfs snapshot tank/web@`date +%s`";
    a.spec.title = "SNAPSHOT";
    a.spec.respawn = Respawn::after;
    a.spec.uid = 65534;
    a.identity = "pidns:1 mntns:2 pid:77 start:3";
    a.triggers = 4;
    a.last_run_ms = 1764422552000;
    SavedProbe b;
    b.id = 8;
    b.spec.jail = "web";
    b.spec.command = "ezjail-admin restart web";
    b.spec.title = "REBOOT";
    b.identity = "jid:5:web";
    s.probes = {a, b};
    return s;
}

struct TempDir {
    fs::path path;
    TempDir() {
        char tmpl[] = "/tmp/jaildaemon-state-unit.XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { fs::remove_all(path); }
};

std::string read(const fs::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace

TEST_CASE("state round trip") {
    SavedState s = sample(), back;
    Error err;
    REQUIRE(decode_state(encode_state(s), back, err));
    CHECK(encode_state(back) == encode_state(s));
    CHECK(back.next_id == 9);
    REQUIRE(back.probes.size() == 2);
    CHECK(back.probes[0].spec.uid == 65534u);
    CHECK(!back.probes[0].spec.gid);
    CHECK(back.probes[1].spec.respawn == Respawn::none);
    CHECK(back.probes[0].last_run_ms == 1764422552000);
}

TEST_CASE("state decoding is strict") {
    std::string good = encode_state(sample());
    SavedState s;
    Error err;
    auto bad = [&](const std::string& text, const char* why) {
        Error e;
        CHECK_MESSAGE(!decode_state(text, s, e), text);
        CHECK_MESSAGE(e.what.find(why) != std::string::npos, e.what);
    };
    bad("", "malformed JSON");
    bad(good.substr(0, good.size() / 2), "malformed JSON");
    bad("[]", "not a JSON object");
    bad(R"({"version":1,"next_id":1})", "probes");
    bad(R"({"version":2,"next_id":1,"probes":[]})", "version 2");
    bad(R"({"version":1,"next_id":1,"probes":[],"x":1})", "unknown key");
    bad(R"({"version":1,"next_id":1,"probes":{}})", "not an array");
    std::string p = R"({"id":1,"jail":"web","identity":"jid:1:web","command":"true","title":"T",)"
                    R"("respawn":"none","triggers":0,"last_run_ms":0})";
    CHECK(decode_state(R"({"version":1,"next_id":2,"probes":[)" + p + "]}", s, err));
    bad(R"({"version":1,"next_id":1,"probes":[)" + p + "]}", "not below next_id");
    bad(R"({"version":1,"next_id":5,"probes":[)" + p + "," + p + "]}", "duplicate");
    auto with = [&](const std::string& from, const std::string& to) {
        std::string q = p;
        q.replace(q.find(from), from.size(), to);
        return R"({"version":1,"next_id":5,"probes":[)" + q + "]}";
    };
    bad(with(R"("title":"T")", R"("title":"A\nB")"), "control");
    bad(with(R"("title":"T")", R"("title":"")"), "title is empty");
    bad(with(R"("respawn":"none")", R"("respawn":"always")"), "respawn");
    bad(with(R"("id":1)", R"("id":0)"), "id 0");
    bad(with(R"("id":1)", R"("id":-1)"), "non-negative");
    bad(with(R"("identity":"jid:1:web")", R"("identity":"")"), "empty");
    bad(with(R"("command":"true")", R"("command":" ")"), "blank");
    bad(with(R"("triggers":0)", R"("triggers":0,"uid":4294967295)"), "out of range");
    bad(with(R"("triggers":0)", R"("triggers":0,"pid":5)"), "unknown key");
}

TEST_CASE("state file: save is atomic and private, load finds it again") {
    TempDir t;
    StateFile f((t.path / "sub" / "state.json").string());
    Error err;
    REQUIRE(f.make_dir(err));
    CHECK((fs::status(t.path / "sub").permissions() & fs::perms::all) == fs::perms::owner_all);
    SavedState s;
    std::string reason, moved;
    REQUIRE(f.load(s, err, &reason, &moved)); // missing: empty
    CHECK(s.probes.empty());
    REQUIRE(f.save(sample(), err));
    CHECK(!fs::exists(f.path() + ".tmp"));
    struct stat st;
    REQUIRE(stat(f.path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(f.load(s, err, &reason, &moved));
    CHECK(moved.empty());
    CHECK(encode_state(s) == encode_state(sample()));
}

TEST_CASE("state file: a corrupt file is moved aside, not an error") {
    TempDir t;
    StateFile f((t.path / "state.json").string());
    Error err;
    std::ofstream(f.path()) << "{\"version\":1,\"next_";
    SavedState s = sample();
    std::string reason, moved;
    REQUIRE(f.load(s, err, &reason, &moved));
    CHECK(s.probes.empty());
    CHECK(reason.find("malformed JSON") != std::string::npos);
    CHECK(moved.rfind(f.path() + ".corrupt-", 0) == 0);
    CHECK(read(moved) == "{\"version\":1,\"next_");
    CHECK(!fs::exists(f.path()));
}

TEST_CASE("state file: unsafe modes are refused") {
    TempDir t;
    StateFile f((t.path / "state.json").string());
    Error err;
    REQUIRE(f.save(sample(), err));
    chmod(f.path().c_str(), 0622);
    SavedState s;
    CHECK(!f.load(s, err, nullptr, nullptr));
    CHECK(err.what.find("not writable by others") != std::string::npos);
    chmod(f.path().c_str(), 0600);
    chmod(t.path.c_str(), 0777);
    CHECK(!f.load(s, err, nullptr, nullptr));
    CHECK(err.what.find("state directory") != std::string::npos);
    chmod(t.path.c_str(), 01777); // sticky, like /tmp: others cannot replace our file
    CHECK(f.load(s, err, nullptr, nullptr));
}
