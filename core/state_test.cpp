// The state file (state.cpp) and its journal (journal.cpp): encoding,
// strict decoding, atomic save, corrupt files moved aside, replay and
// compaction.
#include "journal.hpp"
#include "state.hpp"
#include "test_util.hpp"

#include <boost/json/parse.hpp>
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

struct TempDir : jd::test::TempDir {
    TempDir() : jd::test::TempDir("state") {}
};

std::string read(const fs::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace

TEST_SUITE("state") {

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

    TEST_CASE("a state file in the field order of 0.3.0 still loads, with every field") {
        // Written by the encoder before ProbeSpec had one JSON mapping
        // (probe_json.hpp): the same names and bounds, keys in another order.
        const std::string old =
            R"({"version":1,"next_id":9,"generation":2,"probes":[)"
            R"({"id":3,"jail":"pid:77@lxc:web","label":"lxc:web",)"
            R"("identity":"pidns:1 mntns:2 pid:77 start:3","command":"true","title":"SNAPSHOT",)"
            R"("respawn":"after","uid":65534,"gid":65533,"cooldown":60,"triggers":4,)"
            R"("last_run_ms":1764422552000,"last_exit":3,"last_ms":12},)"
            R"({"id":8,"jail":"web","identity":"jid:5:web","command":"reboot","title":"REBOOT",)"
            R"("respawn":"none","triggers":1,"last_run_ms":5,"last_signal":9}]})"
            "\n";
        SavedState s;
        Error err;
        REQUIRE_MESSAGE(decode_state(old, s, err), err.what);
        REQUIRE(s.probes.size() == 2);
        const SavedProbe& a = s.probes[0];
        CHECK(a.spec.label == "lxc:web");
        CHECK(a.spec.respawn == Respawn::after);
        CHECK(a.spec.uid == 65534u);
        CHECK(a.spec.gid == 65533u);
        CHECK(a.spec.cooldown_s == 60u);
        CHECK(a.last_status == 3 << 8);
        CHECK(a.last_ms == 12u);
        CHECK(s.probes[1].last_status == 9);
        CHECK(!s.probes[1].last_ms);
        // Written again: the same object, key for key.
        CHECK(boost::json::parse(encode_state(s)) == boost::json::parse(old));
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
        std::string p =
            R"({"id":1,"jail":"web","identity":"jid:1:web","command":"true","title":"T",)"
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

    TEST_CASE("journal: snapshot plus replay; a torn last record is ignored") {
        TempDir t;
        StateFile f((t.path / "state.json").string());
        Error err;
        REQUIRE(f.compact(sample(), err)); // generation 1 and an empty journal
        SavedProbe c = sample().probes[0];
        c.id = 12;
        c.spec.title = "ROUTES";
        c.spec.cooldown_s = 60;
        SavedProbe counters;
        counters.id = 3;
        counters.triggers = 5;
        counters.last_run_ms = 1764422560000;
        counters.last_status = 9; // killed by SIGKILL
        counters.last_ms = 3000;
        REQUIRE(f.append({journal_add(c), journal_remove(8)}, err));
        REQUIRE(f.append({journal_run(counters)}, err));
        CHECK(f.journal_records() == 3u);
        // kill -9 in the middle of an append: half a line, no newline.
        std::string torn = journal_remove(3);
        std::ofstream(f.journal_path(), std::ios::app) << torn.substr(0, torn.size() / 2);
        StateFile g(f.path());
        SavedState s;
        std::string reason, moved;
        REQUIRE(g.load(s, err, &reason, &moved));
        CHECK(moved.empty());
        REQUIRE(s.probes.size() == 2);
        CHECK(s.probes[0].id == 3);
        CHECK(s.probes[0].triggers == 5u);
        CHECK(*s.probes[0].last_status == 9);
        CHECK(*s.probes[0].last_ms == 3000u);
        CHECK(s.probes[1].id == 12);
        CHECK(*s.probes[1].spec.cooldown_s == 60u);
        CHECK(s.next_id == 13);
        // The next append cuts the torn half away first.
        REQUIRE(g.append({journal_remove(12)}, err));
        StateFile h(f.path());
        REQUIRE(h.load(s, err, &reason, &moved));
        REQUIRE(s.probes.size() == 1);
        CHECK(s.probes[0].id == 3);
    }

    TEST_CASE("journal: cut at every byte of its last record, it loads the complete records "
              "and says what it dropped") {
        TempDir t;
        StateFile f((t.path / "state.json").string());
        Error err;
        REQUIRE(f.compact(sample(), err));
        SavedProbe c = sample().probes[0];
        c.id = 12;
        c.spec.title = "ROUTES";
        REQUIRE(f.append({journal_add(c)}, err));
        REQUIRE(f.append({journal_remove(8)}, err));
        SavedProbe run = c;
        run.triggers = 7;
        run.pending = true;
        std::string last = journal_run(run);
        REQUIRE(f.append({last}, err));
        std::string full;
        {
            std::ifstream in(f.journal_path(), std::ios::binary);
            full.assign(std::istreambuf_iterator<char>(in), {});
        }
        REQUIRE(full.size() > last.size());
        std::size_t head = full.size() - last.size();
        // What the records before the last one give, and all of them.
        auto load_cut = [&](std::size_t len, SavedState& s, std::string& note) {
            {
                std::ofstream out(f.journal_path(), std::ios::binary | std::ios::trunc);
                out << full.substr(0, len);
            }
            StateFile g(f.path());
            std::string reason, moved;
            bool ok = g.load(s, err, &reason, &moved) && moved.empty();
            note = g.load_note();
            return ok;
        };
        SavedState before, all;
        std::string note;
        REQUIRE(load_cut(head, before, note));
        CHECK(note.empty());
        REQUIRE(load_cut(full.size(), all, note));
        CHECK(note.empty());
        CHECK(encode_state(before) != encode_state(all));
        std::size_t cuts = 0, right = 0, said = 0;
        for (std::size_t k = 1; k < last.size(); ++k) {
            SavedState s;
            ++cuts;
            if (load_cut(head + k, s, note) && encode_state(s) == encode_state(before))
                ++right;
            if (note.find(std::to_string(k) + " bytes at offset " + std::to_string(head)) !=
                std::string::npos)
                ++said;
        }
        CHECK(cuts == last.size() - 1);
        CHECK(right == cuts);
        CHECK(said == cuts);
    }

    TEST_CASE("journal: a pending (deferred) run is kept until a run record clears it") {
        TempDir t;
        StateFile f((t.path / "state.json").string());
        Error err;
        REQUIRE(f.compact(sample(), err));
        SavedProbe c = sample().probes[0];
        c.pending = true;
        c.triggers = 2;
        REQUIRE(f.append({journal_run(c)}, err));
        SavedState s;
        {
            StateFile g(f.path());
            REQUIRE(g.load(s, err, nullptr, nullptr));
        }
        REQUIRE(!s.probes.empty());
        CHECK(s.probes[0].pending);
        CHECK(s.probes[0].triggers == 2u);
        // In a snapshot too.
        SavedState back;
        REQUIRE(decode_state(encode_state(s), back, err));
        CHECK(back.probes[0].pending);
        c.pending = false;
        REQUIRE(f.append({journal_run(c)}, err));
        StateFile h(f.path());
        REQUIRE(h.load(s, err, nullptr, nullptr));
        CHECK(!s.probes[0].pending);
        // Only true is written; false is an error, like any other bad value.
        CHECK(!decode_state(R"({"version":1,"next_id":9,"probes":[{"id":3,"identity":"x",)"
                            R"("jail":"1","title":"T","command":"true","respawn":"none",)"
                            R"("triggers":0,"last_run_ms":0,"pending":false}]})",
                            back, err));
        CHECK(err.what.find("\"pending\" is not true") != std::string::npos);
    }

    TEST_CASE(
        "journal: an add replaces the probe of the same jail and title; replay is idempotent") {
        SavedState s = sample();
        s.generation = 4;
        SavedProbe again = s.probes[0];
        again.id = 20;
        std::string text = journal_header(4) + journal_add(again) + journal_add(again);
        Replay rep;
        Error err;
        REQUIRE(replay_journal(text, s, rep, err));
        CHECK(rep.belongs);
        CHECK(rep.records == 2u);
        REQUIRE(s.probes.size() == 2);
        CHECK(s.probes[0].id == 8);
        CHECK(s.probes[1].id == 20);
        CHECK(s.next_id == 21);
        // A journal of an older generation is already in the snapshot.
        SavedState t = sample();
        t.generation = 5;
        REQUIRE(replay_journal(journal_header(4) + journal_remove(3), t, rep, err));
        CHECK(!rep.belongs);
        CHECK(t.probes.size() == 2);
    }

    TEST_CASE("journal: anything but a torn tail is corruption; both files move aside") {
        auto bad = [](const std::string& lines, const char* why) {
            SavedState s = sample();
            s.generation = 1;
            Replay rep;
            Error err;
            CHECK_MESSAGE(!replay_journal(journal_header(1) + lines, s, rep, err), lines);
            CHECK_MESSAGE(err.what.find(why) != std::string::npos, err.what);
        };
        bad("garbage\n", "journal line 2: malformed JSON");
        bad("{\"op\":\"explode\",\"id\":1}\n", "unknown op");
        bad("{\"op\":\"remove\"}\n", "missing \"id\"");
        bad("{\"op\":\"remove\",\"id\":1,\"x\":2}\n", "unknown key");
        bad("{\"op\":\"run\",\"id\":3,\"triggers\":1,\"last_run_ms\":1,\"last_exit\":0,"
            "\"last_signal\":9}\n",
            "both");
        bad("[]\n" + journal_remove(3), "not a JSON object");
        bad(journal_remove(3).substr(0, 10) + "\n" + journal_remove(8), "malformed JSON");

        TempDir t;
        StateFile f((t.path / "state.json").string());
        Error err;
        REQUIRE(f.compact(sample(), err));
        std::ofstream(f.journal_path(), std::ios::app) << "not json\n" << journal_remove(3);
        StateFile g(f.path());
        SavedState s;
        std::string reason, moved;
        REQUIRE(g.load(s, err, &reason, &moved));
        CHECK(s.probes.empty());
        CHECK(reason.find("journal line 2") != std::string::npos);
        CHECK(moved.find(f.path() + ".corrupt-") == 0);
        CHECK(moved.find(f.journal_path() + ".corrupt-") != std::string::npos);
        CHECK(!fs::exists(f.path()));
        CHECK(!fs::exists(f.journal_path()));
    }

    TEST_CASE("journal: compaction writes a new generation and an empty journal") {
        TempDir t;
        StateFile f((t.path / "state.json").string());
        Error err;
        REQUIRE(f.compact(sample(), err));
        SavedProbe c = sample().probes[1];
        c.id = 30;
        c.spec.title = "OTHER";
        REQUIRE(f.append({journal_add(c)}, err));
        std::string old_journal = read(f.journal_path());
        SavedState now = sample();
        now.probes.push_back(c);
        now.next_id = 31;
        REQUIRE(f.compact(now, err));
        CHECK(f.journal_records() == 0u);
        CHECK(read(f.journal_path()) == journal_header(2));
        // Killed between the new snapshot and the new journal: the old journal
        // (generation 1) is ignored, nothing is applied twice.
        std::ofstream(f.journal_path(), std::ios::trunc) << old_journal << journal_remove(3);
        StateFile g(f.path());
        SavedState s;
        std::string reason, moved;
        REQUIRE(g.load(s, err, &reason, &moved));
        CHECK(moved.empty());
        CHECK(s.generation == 2);
        CHECK(s.probes.size() == 3);
    }

} // TEST_SUITE
