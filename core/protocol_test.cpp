// The control-socket protocol: encode/decode round trips and strict decoding
// of requests (every bad request is EX_DATAERR_ with a reason naming the
// field).
#include "protocol.hpp"

#include <doctest/doctest.h>

#include <string>

using jd::Error;
using jd::Op;
using jd::ProbeInfo;
using jd::ProbeSpec;
using jd::Reply;
using jd::Request;
using jd::Respawn;

namespace {

Request decode_ok(const std::string& text) {
    Request r;
    Error err;
    INFO("request: ", text);
    bool ok = jd::decode(text, r, err);
    INFO("error: ", err.what);
    CHECK(ok);
    CHECK(err.code == 0);
    return r;
}

// text must be refused with EX_DATAERR_ and exactly this reason.
void refuse(const std::string& text, const std::string& what) {
    Request r;
    Error err;
    INFO("request: ", text);
    CHECK_FALSE(jd::decode(text, r, err));
    CHECK(err.code == 65);
    CHECK(err.code == jd::EX_DATAERR_);
    CHECK(err.what == what);
}

// An add request with one field replaced (its JSON text, or nothing).
std::string add_with(const std::string& key, const std::string& json_value) {
    std::string s = "{\"op\":\"add\"";
    const char* keys[] = {"jail", "command", "title"};
    const char* vals[] = {"\"23\"", "\"ezjail-admin restart example.com\"", "\"REBOOT\""};
    for (int i = 0; i < 3; ++i) {
        if (key == keys[i]) {
            if (!json_value.empty())
                s += std::string(",\"") + keys[i] + "\":" + json_value;
        } else {
            s += std::string(",\"") + keys[i] + "\":" + vals[i];
        }
    }
    if (key != "jail" && key != "command" && key != "title")
        s += ",\"" + key + "\":" + json_value;
    return s + "}";
}

std::string quoted(const std::string& s) {
    return "\"" + s + "\"";
}

ProbeSpec full_spec() {
    ProbeSpec p;
    p.jail = "pid:4242";
    p.label = "lxc:web";
    p.command = "zfs snapshot jails/example.com@`date +%s`\necho \"done\"\t# tab";
    p.title = "ZFS_SNAPSHOT";
    p.respawn = Respawn::after;
    p.uid = 0;
    p.gid = 4294967294u;
    return p;
}

} // namespace

TEST_SUITE("protocol") {

    TEST_CASE("respawn names") {
        CHECK(std::string(jd::respawn_name(Respawn::none)) == "none");
        CHECK(std::string(jd::respawn_name(Respawn::after)) == "after");
        CHECK(std::string(jd::respawn_name(Respawn::now)) == "now");
        Respawn r = Respawn::none;
        CHECK(jd::respawn_from("after", r));
        CHECK(r == Respawn::after);
        CHECK(jd::respawn_from("now", r));
        CHECK(r == Respawn::now);
        CHECK(jd::respawn_from("none", r));
        CHECK(r == Respawn::none);
        r = Respawn::now;
        CHECK_FALSE(jd::respawn_from("After", r));
        CHECK_FALSE(jd::respawn_from("", r));
        CHECK(r == Respawn::now);
    }

    TEST_CASE("ping round trip") {
        Request q;
        q.op = Op::ping;
        std::string text = jd::encode(q);
        CHECK(text == "{\"op\":\"ping\"}\n");
        Request r = decode_ok(text);
        CHECK(r.op == Op::ping);
    }

    TEST_CASE("add round trip, every field") {
        Request q;
        q.op = Op::add;
        q.probe = full_spec();
        q.probe.cooldown_s = 30;
        std::string text = jd::encode(q);
        // The wire form, key for key (probe_json.hpp writes the probe's part).
        CHECK(text ==
              R"({"op":"add","jail":"pid:4242","label":"lxc:web",)"
              R"("command":"zfs snapshot jails/example.com@`date +%s`\necho \"done\"\t# tab",)"
              R"("title":"ZFS_SNAPSHOT","respawn":"after","uid":0,"gid":4294967294,)"
              R"("cooldown":30})"
              "\n");
        Request r = decode_ok(text);
        CHECK(r.op == Op::add);
        CHECK(r.probe.jail == "pid:4242");
        CHECK(r.probe.label == "lxc:web");
        CHECK(r.probe.command == q.probe.command);
        CHECK(r.probe.title == "ZFS_SNAPSHOT");
        CHECK(r.probe.respawn == Respawn::after);
        REQUIRE(r.probe.uid.has_value());
        REQUIRE(r.probe.gid.has_value());
        CHECK(*r.probe.uid == 0u);
        CHECK(*r.probe.gid == 4294967294u);
        CHECK(r.probe.cooldown_s == 30u);
        CHECK_FALSE(r.id.has_value());
        CHECK(r.jail == "");
        CHECK(r.title == "");
    }

    TEST_CASE("add round trip, minimal") {
        Request q;
        q.op = Op::add;
        q.probe.jail = "23";
        q.probe.command = "ezjail-admin restart example.com";
        q.probe.title = "EZJAIL_REBOOT";
        std::string text = jd::encode(q);
        CHECK(text.find("uid") == std::string::npos);
        CHECK(text.find("label") == std::string::npos);
        Request r = decode_ok(text);
        CHECK(r.op == Op::add);
        CHECK(r.probe.jail == "23");
        CHECK(r.probe.label == "");
        CHECK(r.probe.command == "ezjail-admin restart example.com");
        CHECK(r.probe.title == "EZJAIL_REBOOT");
        CHECK(r.probe.respawn == Respawn::none);
        CHECK_FALSE(r.probe.uid.has_value());
        CHECK_FALSE(r.probe.gid.has_value());
        // Respawn "now" too.
        q.probe.respawn = Respawn::now;
        CHECK(decode_ok(jd::encode(q)).probe.respawn == Respawn::now);
        // respawn may be left out.
        CHECK(decode_ok(R"({"op":"add","jail":"1","command":"true","title":"T"})").probe.respawn ==
              Respawn::none);
    }

    TEST_CASE("list round trip") {
        Request q;
        q.op = Op::list;
        CHECK(jd::encode(q) == "{\"op\":\"list\"}\n");
        Request r = decode_ok(jd::encode(q));
        CHECK(r.op == Op::list);
        CHECK(r.jail == "");
        q.jail = "web";
        r = decode_ok(jd::encode(q));
        CHECK(r.op == Op::list);
        CHECK(r.jail == "web");
        CHECK_FALSE(r.id.has_value());
    }

    TEST_CASE("remove round trip") {
        Request q;
        q.op = Op::remove;
        q.id = 9007199254740991ull; // 2^53 - 1, the largest id
        Request r = decode_ok(jd::encode(q));
        CHECK(r.op == Op::remove);
        REQUIRE(r.id.has_value());
        CHECK(*r.id == 9007199254740991ull);
        CHECK(r.jail == "");

        q.id = 0;
        r = decode_ok(jd::encode(q));
        REQUIRE(r.id.has_value());
        CHECK(*r.id == 0u);

        q.id.reset();
        q.jail = "jid:23:web";
        q.title = "REBOOT";
        r = decode_ok(jd::encode(q));
        CHECK(r.op == Op::remove);
        CHECK_FALSE(r.id.has_value());
        CHECK(r.jail == "jid:23:web");
        CHECK(r.title == "REBOOT");

        q.title.clear();
        r = decode_ok(jd::encode(q));
        CHECK(r.jail == "jid:23:web");
        CHECK(r.title == "");
    }

    TEST_CASE("reply round trips") {
        Error err;
        SUBCASE("ping") {
            Reply q;
            q.version = "0.3.0";
            Reply r;
            REQUIRE(jd::decode(jd::encode(q), r, err));
            CHECK(r.ok);
            CHECK(r.version == "0.3.0");
            CHECK(r.id == 0u);
            CHECK(r.probes.empty());
        }
        SUBCASE("add") {
            Reply q;
            q.id = 12;
            q.replaced = true;
            Reply r;
            REQUIRE(jd::decode(jd::encode(q), r, err));
            CHECK(r.ok);
            CHECK(r.id == 12u);
            CHECK(r.replaced);
            q.replaced = false;
            REQUIRE(jd::decode(jd::encode(q), r, err));
            CHECK(r.id == 12u);
            CHECK_FALSE(r.replaced);
        }
        SUBCASE("remove") {
            Reply q;
            q.removed = 3;
            Reply r;
            REQUIRE(jd::decode(jd::encode(q), r, err));
            CHECK(r.ok);
            CHECK(r.removed == 3u);
        }
        SUBCASE("list") {
            Reply q;
            ProbeInfo a;
            a.id = 1;
            a.jail = "web";
            a.jail_key = "jid:23:web";
            a.jid = 23;
            a.command = "ezjail-admin restart web";
            a.title = "REBOOT";
            a.respawn = Respawn::none;
            a.state = "waiting";
            a.pid = 31337;
            a.triggers = 0;
            ProbeInfo b;
            b.id = 2;
            b.jail = "lxc:db";
            b.jail_key = "pidns:4026532200";
            b.jid = 999;
            b.command = "zfs snapshot tank/db@`date +%s`";
            b.title = "SNAPSHOT";
            b.respawn = Respawn::after;
            b.uid = 0;
            b.gid = 65534;
            b.state = "running";
            b.pid = 0;
            b.triggers = 7;
            q.probes = {a, b};
            Reply r;
            REQUIRE(jd::decode(jd::encode(q), r, err));
            CHECK(r.ok);
            REQUIRE(r.probes.size() == 2);
            const ProbeInfo& x = r.probes[0];
            CHECK(x.id == 1u);
            CHECK(x.jail == "web");
            CHECK(x.jail_key == "jid:23:web");
            CHECK(x.jid == 23);
            CHECK(x.command == "ezjail-admin restart web");
            CHECK(x.title == "REBOOT");
            CHECK(x.respawn == Respawn::none);
            CHECK_FALSE(x.uid.has_value());
            CHECK_FALSE(x.gid.has_value());
            CHECK(x.state == "waiting");
            CHECK(x.pid == 31337);
            CHECK(x.triggers == 0u);
            const ProbeInfo& y = r.probes[1];
            CHECK(y.id == 2u);
            CHECK(y.jail == "lxc:db");
            CHECK(y.jail_key == "pidns:4026532200");
            CHECK(y.jid == 999);
            CHECK(y.command == "zfs snapshot tank/db@`date +%s`");
            CHECK(y.title == "SNAPSHOT");
            CHECK(y.respawn == Respawn::after);
            REQUIRE(y.uid.has_value());
            REQUIRE(y.gid.has_value());
            CHECK(*y.uid == 0u);
            CHECK(*y.gid == 65534u);
            CHECK(y.state == "running");
            CHECK(y.pid == 0);
            CHECK(y.triggers == 7u);
        }
        SUBCASE("error") {
            Reply q = jd::error_reply(jd::EX_NOHOST_, "no jail \"web\"");
            CHECK_FALSE(q.ok);
            CHECK(q.code == 68);
            CHECK(q.error == "no jail \"web\"");
            std::string text = jd::encode(q);
            CHECK(text == "{\"ok\":false,\"code\":68,\"error\":\"no jail \\\"web\\\"\"}\n");
            Reply r;
            REQUIRE(jd::decode(text, r, err));
            CHECK_FALSE(r.ok);
            CHECK(r.code == 68);
            CHECK(r.error == "no jail \"web\"");
        }
        CHECK(err.code == 0);
    }

    TEST_CASE("a malformed reply is EX_PROTOCOL_") {
        for (const char* text : {"", "nonsense", "[]", "{}", "{\"ok\":1}",
                                 "{\"ok\":false,\"code\":\"x\",\"error\":\"e\"}",
                                 "{\"ok\":true,\"probes\":[{\"id\":1}]}"}) {
            CAPTURE(text);
            Reply r;
            Error err;
            CHECK_FALSE(jd::decode(text, r, err));
            CHECK(err.code == 76);
            CHECK(err.what.find("daemon sent") == 0);
        }
    }

    TEST_CASE("uid and gid as names (issue 21)") {
        Request r;
        Error err;
        REQUIRE(jd::decode(add_with("gid", "\"wheel\""), r, err));
        CHECK(r.probe.group == "wheel");
        CHECK_FALSE(r.probe.gid);
        REQUIRE(jd::decode(add_with("uid", "\"www\""), r, err));
        CHECK(r.probe.user == "www");
        CHECK_FALSE(r.probe.uid);
        // Round trip: a name goes out as a string, a number as a number.
        std::string line = jd::encode(r);
        CHECK(line.find("\"uid\":\"www\"") != std::string::npos);
        Request back;
        REQUIRE(jd::decode(line, back, err));
        CHECK(back.probe.user == "www");
        CHECK(jd::valid_id_name("_www$"));
        CHECK(jd::valid_id_name("a.b-c"));
        CHECK_FALSE(jd::valid_id_name("123"));
        CHECK_FALSE(jd::valid_id_name("a$b"));
        CHECK_FALSE(jd::valid_id_name(""));
    }

    TEST_CASE("unknown keys") {
        refuse(R"({"op":"ping","verbose":true})", "unknown key \"verbose\"");
        refuse(add_with("shell", "\"/bin/bash\""), "unknown key \"shell\"");
        refuse(R"({"op":"list","jail":"web","all":1})", "\"all\" must be true or false");
        refuse(R"({"op":"remove","id":1,"all":true})", "unknown key \"all\"");
        refuse(R"({"op":"remove","id":1,"force":true})", "unknown key \"force\"");
        // A key of another op is unknown too.
        refuse(R"({"op":"ping","jail":"web"})", "unknown key \"jail\"");
        refuse(R"({"op":"list","command":"true"})", "unknown key \"command\"");
        refuse(R"({"op":"remove","id":1,"uid":0})", "unknown key \"uid\"");
        refuse(add_with("id", "3"), "unknown key \"id\"");
    }

    TEST_CASE("wrong types") {
        refuse(R"({"op":1})", "\"op\" must be a string");
        refuse(R"({"op":null})", "\"op\" must be a string");
        refuse(add_with("jail", "23"), "\"jail\" must be a string");
        refuse(add_with("jail", R"({"a":{"b":1}})"), "\"jail\" must be a string");
        refuse(add_with("command", R"(["ezjail-admin","restart"])"),
               "\"command\" must be a string");
        refuse(add_with("title", "true"), "\"title\" must be a string");
        refuse(add_with("label", "7"), "\"label\" must be a string");
        refuse(add_with("respawn", "1"), "\"respawn\" must be a string");
        refuse(add_with("respawn", "\"always\""),
               "\"respawn\" must be \"none\", \"after\" or \"now\"");
        refuse(add_with("uid", "\"0\""), "\"uid\" must be a number or a user/group name");
        refuse(add_with("uid", "\"a b\""), "\"uid\" must be a number or a user/group name");
        refuse(add_with("gid", "\"-x\""), "\"gid\" must be a number or a user/group name");
        refuse(add_with("uid", "\"" + std::string(33, 'u') + "\""),
               "\"uid\" must be a number or a user/group name");
        refuse(add_with("uid", "1.5"), "\"uid\" must be a non-negative integer");
        refuse(add_with("uid", "1.0"), "\"uid\" must be a non-negative integer");
        refuse(add_with("uid", "true"), "\"uid\" must be a non-negative integer");
        refuse(add_with("uid", "null"), "\"uid\" must be a non-negative integer");
        refuse(R"({"op":"remove","id":"7"})", "\"id\" must be a non-negative integer");
        refuse(R"({"op":"list","jail":["web"]})", "\"jail\" must be a string");
        refuse(R"({"op":"remove","jail":"web","title":5})", "\"title\" must be a string");
    }

    TEST_CASE("missing fields") {
        refuse(R"({})", "missing \"op\"");
        refuse(R"({"jail":"23"})", "missing \"op\"");
        refuse(add_with("jail", ""), "missing \"jail\"");
        refuse(add_with("command", ""), "missing \"command\"");
        refuse(add_with("title", ""), "missing \"title\"");
        refuse(R"({"op":"remove"})", "remove needs an id or a jail");
        refuse(R"({"op":"remove","title":"REBOOT"})", "remove needs an id or a jail");
    }

    TEST_CASE("unknown op") {
        refuse(R"({"op":"reboot"})", "unknown op \"reboot\"");
        refuse(R"({"op":"PING"})", "unknown op \"PING\"");
        refuse(R"({"op":""})", "unknown op \"\"");
        refuse(R"({"op":"pingpingpingpingp"})", "\"op\" longer than 16 bytes");
    }

    TEST_CASE("not a JSON object") {
        refuse("[]", "message must be a JSON object");
        refuse("\"ping\"", "message must be a JSON object");
        refuse("null", "message must be a JSON object");
        Request r;
        Error err;
        for (const char* text : {"", "{", "{\"op\":\"ping\"", "{\"op\":\"ping\"} {}",
                                 "{\"op\":'ping'}", "{op:\"ping\"}", "{\"op\":\"ping\",}"}) {
            CAPTURE(text);
            CHECK_FALSE(jd::decode(text, r, err));
            CHECK(err.code == 65);
            CHECK(err.what.find("malformed JSON: ") == 0);
        }
    }

    TEST_CASE("request size limit") {
        std::string ping = R"({"op":"ping"})";
        std::string at_limit = ping + std::string(jd::kMaxRequestBytes - ping.size(), ' ');
        REQUIRE(at_limit.size() == 16384);
        CHECK(decode_ok(at_limit).op == Op::ping);
        refuse(at_limit + " ", "message longer than 16384 bytes");
        std::string big = add_with("command", quoted(std::string(20000, 'x')));
        refuse(big, "message longer than 16384 bytes");
    }

    TEST_CASE("nesting depth") {
        Request r;
        Error err;
        std::string deep =
            R"({"op":"ping","x":)" + std::string(20, '[') + std::string(20, ']') + "}";
        CHECK_FALSE(jd::decode(deep, r, err));
        CHECK(err.code == 65);
        CHECK(err.what.find("malformed JSON: ") == 0);
        CHECK(err.what.find("deep") != std::string::npos);
        // Within the depth limit the unknown key is what is refused.
        refuse(R"({"op":"ping","x":[[1]]})", "unknown key \"x\"");
    }

    TEST_CASE("uid and gid range") {
        CHECK(*decode_ok(add_with("uid", "4294967294")).probe.uid == 4294967294u);
        CHECK(*decode_ok(add_with("gid", "0")).probe.gid == 0u);
        refuse(add_with("uid", "-1"), "\"uid\" must be a non-negative integer");
        refuse(add_with("gid", "-5"), "\"gid\" must be a non-negative integer");
        refuse(add_with("uid", "4294967295"), "\"uid\" out of range (max 4294967294)");
        refuse(add_with("gid", "4294967295"), "\"gid\" out of range (max 4294967294)");
        refuse(add_with("uid", "4294967296"), "\"uid\" out of range (max 4294967294)");
        refuse(add_with("uid", "18446744073709551615"), "\"uid\" out of range (max 4294967294)");
        refuse(add_with("uid", "18446744073709551616"), "\"uid\" must be a non-negative integer");
        refuse(add_with("uid", "1e30"), "\"uid\" must be a non-negative integer");
        refuse(add_with("uid", "-9223372036854775808"), "\"uid\" must be a non-negative integer");
    }

    TEST_CASE("cooldown: per probe, seconds, 0 to 86400") {
        CHECK(!decode_ok(add_with("uid", "1")).probe.cooldown_s);
        CHECK(*decode_ok(add_with("cooldown", "60")).probe.cooldown_s == 60u);
        CHECK(*decode_ok(add_with("cooldown", "0")).probe.cooldown_s == 0u);
        CHECK(*decode_ok(add_with("cooldown", "86400")).probe.cooldown_s == 86400u);
        refuse(add_with("cooldown", "86401"), "\"cooldown\" out of range (max 86400)");
        refuse(add_with("cooldown", "-1"), "\"cooldown\" must be a non-negative integer");
        refuse(add_with("cooldown", "1.5"), "\"cooldown\" must be a non-negative integer");
        refuse(add_with("cooldown", "\"60\""), "\"cooldown\" must be a non-negative integer");
        ProbeSpec p = full_spec();
        p.cooldown_s = 60;
        Request q;
        q.op = Op::add;
        q.probe = p;
        CHECK(*decode_ok(jd::encode(q)).probe.cooldown_s == 60u);
        Error err;
        p.cooldown_s = 86401;
        CHECK(!jd::validate(p, err));
        CHECK(err.what == "cooldown longer than 86400 s");
    }

    TEST_CASE("list reply: cooldown, pending, last run") {
        Reply q;
        ProbeInfo a;
        a.id = 1;
        a.jail = "web";
        a.jail_key = "jid:1:web";
        a.command = "true";
        a.title = "T";
        a.state = "deferred";
        a.triggers = 7;
        a.cooldown = 60;
        a.cooldown_set = true;
        a.pending = true;
        a.last_run_ms = 1764422552000;
        a.last_signal = 9;
        a.last_ms = 3000;
        ProbeInfo b = a;
        b.id = 2;
        b.pending = false;
        b.cooldown_set = false;
        b.last_signal.reset();
        b.last_exit = 0;
        b.last_ms = 12;
        ProbeInfo c = a;
        c.id = 3;
        c.last_run_ms = 0;
        c.last_signal.reset();
        c.last_ms.reset();
        q.probes = {a, b, c};
        Reply r;
        Error err;
        REQUIRE(jd::decode(jd::encode(q), r, err));
        REQUIRE(r.probes.size() == 3);
        CHECK(r.probes[0].state == "deferred");
        CHECK(r.probes[0].pending);
        CHECK(r.probes[0].cooldown == 60u);
        CHECK(r.probes[0].cooldown_set);
        CHECK(r.probes[0].last_run_ms == 1764422552000);
        CHECK(*r.probes[0].last_signal == 9);
        CHECK(!r.probes[0].last_exit);
        CHECK(*r.probes[0].last_ms == 3000u);
        CHECK(!r.probes[1].pending);
        CHECK(*r.probes[1].last_exit == 0);
        CHECK(*r.probes[1].last_ms == 12u);
        CHECK(r.probes[2].last_run_ms == 0);
        CHECK(!r.probes[2].last_ms);
        std::string js = jd::encode(q.probes);
        CHECK(js.find("\"pending\":true") != std::string::npos);
        CHECK(js.find("\"last_exit\":null") != std::string::npos);
    }

    TEST_CASE("id range") {
        CHECK(*decode_ok(R"({"op":"remove","id":9007199254740991})").id == 9007199254740991ull);
        refuse(R"({"op":"remove","id":9007199254740992})",
               "\"id\" out of range (max 9007199254740991)");
        refuse(R"({"op":"remove","id":-1})", "\"id\" must be a non-negative integer");
        refuse(R"({"op":"remove","id":1.5})", "\"id\" must be a non-negative integer");
    }

    TEST_CASE("titles") {
        CHECK(decode_ok(add_with("title", quoted(std::string(128, 'T')))).probe.title ==
              std::string(128, 'T'));
        CHECK(decode_ok(add_with("title", "\"route config update\"")).probe.title ==
              "route config update");
        refuse(add_with("title", "\"\""), "title is empty");
        refuse(add_with("title", quoted(std::string(129, 'T'))), "\"title\" longer than 128 bytes");
        const std::string ctl = "title holds a control or non-ASCII character";
        refuse(add_with("title", R"("RE\nBOOT")"), ctl);
        refuse(add_with("title", R"("REBOOT\n")"), ctl);
        refuse(add_with("title", R"("RE\tBOOT")"), ctl);
        refuse(add_with("title", R"("RE\u0000BOOT")"), ctl);
        refuse(add_with("title", R"("RE\u001bBOOT")"), ctl);
        refuse(add_with("title", R"("RE\u007fBOOT")"), ctl);
        refuse(add_with("title", R"("R\u00e9BOOT")"), ctl);
        refuse(add_with("title", R"(" REBOOT")"), "title starts or ends with a space");
        refuse(add_with("title", R"("REBOOT ")"), "title starts or ends with a space");
        // The same rules for the title of remove and list.
        refuse(R"({"op":"remove","jail":"web","title":"RE\nBOOT"})", ctl);
        refuse(R"({"op":"remove","jail":"web","title":" REBOOT"})",
               "title starts or ends with a space");
        refuse(R"({"op":"remove","jail":"web","title":")" + std::string(129, 'T') + "\"}",
               "\"title\" longer than 128 bytes");
    }

    TEST_CASE("commands") {
        std::string longest(4096, 'x');
        CHECK(decode_ok(add_with("command", quoted(longest))).probe.command == longest);
        CHECK(decode_ok(add_with("command", R"("a\n\tb")")).probe.command == "a\n\tb");
        refuse(add_with("command", "\"\""), "command must be 1-4096 bytes");
        refuse(add_with("command", quoted(std::string(4097, 'x'))),
               "\"command\" longer than 4096 bytes");
        refuse(add_with("command", "\"   \""), "command is blank");
        refuse(add_with("command", R"(" \t\n ")"), "command is blank");
        refuse(add_with("command", R"("true\u0000rm -rf /")"), "command holds a control character");
        refuse(add_with("command", R"("true\rfalse")"), "command holds a control character");
        refuse(add_with("command", R"("true\u007f")"), "command holds a control character");
    }

    TEST_CASE("jails and labels") {
        const std::string bad_jail = "jail must be 1-256 printable characters without spaces";
        refuse(add_with("jail", "\"\""), bad_jail);
        refuse(add_with("jail", "\"my jail\""), bad_jail);
        refuse(add_with("jail", R"("web\n")"), bad_jail);
        refuse(add_with("jail", quoted(std::string(257, 'j'))), "\"jail\" longer than 256 bytes");
        CHECK(decode_ok(add_with("jail", quoted(std::string(256, 'j')))).probe.jail ==
              std::string(256, 'j'));
        refuse(add_with("label", "\"lxc:my web\""),
               "jail label must be printable characters without spaces");
    }

    TEST_CASE("remove and list combinations") {
        const std::string both = "remove takes an id, or a jail and an optional title, not both";
        refuse(R"({"op":"remove","id":3,"jail":"web"})", both);
        refuse(R"({"op":"remove","id":3,"title":"REBOOT"})", both);
        refuse(R"({"op":"remove","id":3,"jail":"web","title":"REBOOT"})", both);
        const std::string list_only = "list takes only an optional jail";
        refuse(R"({"op":"list","id":3})", list_only);
        refuse(R"({"op":"list","jail":"web","title":"REBOOT"})", list_only);
    }

    TEST_CASE("validate") {
        ProbeSpec p = full_spec();
        Error err;
        CHECK(jd::validate(p, err));
        CHECK(err.code == 0);
        p.uid = 4294967295u;
        CHECK_FALSE(jd::validate(p, err));
        CHECK(err.code == 65);
        CHECK(err.what == "uid/gid out of range");
        p = full_spec();
        p.gid = 4294967295u;
        CHECK_FALSE(jd::validate(p, err));
        CHECK(err.what == "uid/gid out of range");
        p = full_spec();
        p.title = "";
        CHECK_FALSE(jd::validate(p, err));
        CHECK(err.what == "title is empty");
        CHECK(jd::valid_title("EZJAIL_REBOOT", err));
        CHECK_FALSE(jd::valid_title("a\x01", err));
        CHECK(err.code == 65);
    }

    // A strict parser does not let a later key silently override an earlier
    // one: the daemon would act on a request that differs from what a reader of
    // the line sees.
    TEST_CASE("duplicate keys are refused") {
        Request r;
        Error err;
        CHECK_FALSE(jd::decode(
            R"({"op":"ping","op":"add","jail":"1","command":"true","title":"T"})", r, err));
        CHECK(err.code == 65);
        CHECK_FALSE(jd::decode(add_with("command", R"("true","command":"reboot")"), r, err));
        CHECK(err.code == 65);
        CHECK(err.what.find("command") != std::string::npos);
    }

} // TEST_SUITE
