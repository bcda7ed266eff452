#include "hook_config.hpp"

#include "protocol.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace jdhook;

namespace {

std::string parse_err(const std::string& text) {
    Config c;
    std::string err;
    if (parse_config(text, "t.conf", c, err))
        return "";
    return err;
}

} // namespace

TEST_CASE("an empty configuration keeps the defaults") {
    Config c;
    std::string err;
    REQUIRE(parse_config("# nothing\n\n", "t.conf", c, err));
    CHECK(c.probes == std::vector<Kind>{Kind::reboot, Kind::snapshot});
    CHECK(c.reboot_title == "REBOOT");
    CHECK(c.snapshot_title == "SNAPSHOT");
    CHECK_FALSE(c.title_prefix);
    CHECK_FALSE(c.uid.has_value());
    CHECK(c.jls == "jls");
    CHECK(c.section("ezjail").program.empty());
    CHECK_FALSE(c.section("ezjail").restart.has_value());
}

TEST_CASE("every key is read") {
    Config c;
    std::string err;
    const char* text = "socket = /tmp/x.pipe\n"
                       "jls = /usr/sbin/jls\n"
                       "probes = snapshot\n"
                       "reboot_title = \"HOST REBOOT\"\n"
                       "snapshot_title = SNAP\n"
                       "title_prefix = yes\n"
                       "uid = 1001\n"
                       "gid = 0\n"
                       "exclude = a b\n"
                       "[ezjail]\n"
                       "program = /opt/ezjail-admin\n"
                       "restart = {program} onerestart {name} # not a comment\n"
                       "snapshot =\n"
                       "exclude = c\n"
                       "probes = reboot snapshot\n"
                       "[jail]\n"
                       "dataset = zroot/jails/{name}\n";
    REQUIRE_MESSAGE(parse_config(text, "t.conf", c, err), err);
    CHECK(c.socket == "/tmp/x.pipe");
    CHECK(c.jls == "/usr/sbin/jls");
    CHECK(c.probes == std::vector<Kind>{Kind::snapshot});
    CHECK(c.reboot_title == "HOST REBOOT");
    CHECK(c.snapshot_title == "SNAP");
    CHECK(c.title_prefix);
    CHECK(c.uid == Id{1001, ""});
    CHECK(c.gid == Id{0, ""});
    CHECK(c.exclude == std::vector<std::string>{"a", "b"});
    const Section& e = c.section("ezjail");
    CHECK(e.program == "/opt/ezjail-admin");
    CHECK(*e.restart == "{program} onerestart {name} # not a comment");
    REQUIRE(e.snapshot.has_value());
    CHECK(e.snapshot->empty());
    CHECK(e.exclude == std::vector<std::string>{"c"});
    CHECK(*e.probes == std::vector<Kind>{Kind::reboot, Kind::snapshot});
    CHECK(c.section("jail").dataset == "zroot/jails/{name}");
}

TEST_CASE("uid and gid: a number or a name of the jail's") {
    Config c;
    std::string err;
    REQUIRE_MESSAGE(parse_config("uid = www\ngid = wheel\n", "t.conf", c, err), err);
    CHECK(c.uid == Id{0, "www"});
    CHECK(c.gid == Id{0, "wheel"});
    CHECK(c.uid->text() == "www");
    // The characters and length jaildaemon -u/-g take: dots, dashes,
    // underscores, a trailing '$' (Samba machine accounts), 32 bytes.
    const std::string longest(32, 'u');
    REQUIRE_MESSAGE(parse_config("uid = _pkg-1.x$\ngid = " + longest + "\n", "t.conf", c, err),
                    err);
    CHECK(c.uid == Id{0, "_pkg-1.x$"});
    CHECK(c.gid == Id{0, longest});
    // All digits is a number, however it could be spelled as a name.
    REQUIRE_MESSAGE(parse_config("uid = 0080\n", "t.conf", c, err), err);
    CHECK(c.uid == Id{80, ""});
    CHECK(c.uid->text() == "80");
}

TEST_CASE("bad input is a clear error with file and line") {
    CHECK(parse_err("bogus = 1\n") ==
          "t.conf:1: unknown key \"bogus\" (known here: socket jls zfs probes reboot_title "
          "snapshot_title title_prefix uid gid exclude)");
    CHECK(parse_err("\n[ezjail]\nbogus = 1\n")
              .rfind("t.conf:3: unknown key \"bogus\" in [ezjail]", 0) == 0);
    CHECK(parse_err("[lxd]\n").rfind("t.conf:1: unknown section [lxd]", 0) == 0);
    const std::string uid_err = "uid must be a number from 0 to 4294967294 or a user name "
                                "(at most 32 of A-Z a-z 0-9 . _ -)";
    CHECK(parse_err("uid = -1\n") == "t.conf:1: " + uid_err);
    CHECK(parse_err("uid = 4294967295\n") == "t.conf:1: " + uid_err);
    CHECK(parse_err("uid = www data\n") == "t.conf:1: " + uid_err);
    CHECK(parse_err("uid = ../www\n") == "t.conf:1: " + uid_err);
    CHECK(parse_err("uid = " + std::string(33, 'a') + "\n") == "t.conf:1: " + uid_err);
    CHECK(parse_err("uid = $www\n") == "t.conf:1: " + uid_err);
    CHECK(parse_err("\ngid = -wheel\n") == "t.conf:2: gid must be a number from 0 to 4294967294 "
                                           "or a group name (at most 32 of A-Z a-z 0-9 . _ -)");
    CHECK(parse_err("title_prefix = maybe\n") == "t.conf:1: title_prefix must be yes or no");
    CHECK(parse_err("probes = reboot restart\n") ==
          "t.conf:1: unknown probe \"restart\" (known: reboot, snapshot, both, none)");
    CHECK(parse_err("probes = reboot reboot\n") == "t.conf:1: probe \"reboot\" named twice");
    CHECK(parse_err("reboot_title =\n") == "t.conf:1: title is empty");
    CHECK(parse_err("reboot_title = -x\n").rfind("t.conf:1: a title must not start", 0) == 0);
    CHECK(parse_err("socket = relative\n") == "t.conf:1: socket must be an absolute path");
    CHECK(parse_err("probes = reboot\nprobes = snapshot\n") == "t.conf:2: \"probes\" is set twice");
    CHECK(parse_err("[ezjail]\n[ezjail]\n") == "t.conf:2: section [ezjail] appears twice");
    CHECK(parse_err("just words\n") == "t.conf:1: expected \"key = value\"");
    CHECK(parse_err("[ezjail\n") == "t.conf:1: a section line is [MANAGER]");
    CHECK(parse_err("[ezjail]\ndataset = zroot/x\n") ==
          "t.conf:2: dataset is only used in [jail] and [appjail]");
    CHECK(parse_err("[jail]\ndataset = /zroot\n").rfind("t.conf:2: dataset must be", 0) == 0);
    CHECK(parse_err("[ezjail]\nrestart = {prog} x\n")
              .rfind("t.conf:2: unknown placeholder {prog}", 0) == 0);
    CHECK(parse_err("[bastille]\nrestart =\n").rfind("t.conf:2: restart must not be empty", 0) ==
          0);
}

TEST_CASE("a title the daemon refuses is refused by the config too") {
    // The hook checks titles with the protocol's rule: a config that passes
    // `jaildaemon-hook -n` must not fail at boot when the daemon sees it.
    const std::string refused[] = {
        "",
        " REBOOT",
        "REBOOT ",
        "RE\tBOOT",
        "REB\x7f"
        "OOT",
        "R\xc3\xa9"
        "BOOT", // non-ASCII, once accepted by the hook alone
        std::string(jd::kMaxTitleBytes + 1, 'T'),
    };
    for (const std::string& t : refused) {
        jd::Error e;
        std::string why;
        CHECK_MESSAGE(!jd::valid_title(t, e), t);
        CHECK_MESSAGE(!check_title(t, why), t);
        CHECK(why == e.what);
    }
    // The hook's own rule on top: no leading '-', which the daemon allows.
    jd::Error e;
    std::string why;
    CHECK(jd::valid_title("-x", e));
    CHECK_FALSE(check_title("-x", why));
    CHECK(check_title("HOST REBOOT", why));
    CHECK(check_title(std::string(jd::kMaxTitleBytes, 'T'), why));
}

TEST_CASE("load_config: a missing default file is fine, a missing explicit one is not") {
    Config c;
    std::string err;
    CHECK(load_config("/nonexistent/jaildaemon-hook.conf", false, c, err));
    CHECK_FALSE(load_config("/nonexistent/jaildaemon-hook.conf", true, c, err));
    CHECK(err == "/nonexistent/jaildaemon-hook.conf: No such file or directory");

    char path[] = "/tmp/jdhook-test-XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    std::ofstream(path) << "probes = reboot\n[bastille]\nprogram = /x/bastille\n";
    Config d;
    CHECK(load_config(path, true, d, err));
    CHECK(d.probes == std::vector<Kind>{Kind::reboot});
    CHECK(d.section("bastille").program == "/x/bastille");
    std::ofstream(path) << "probes = reboot\nnope\n";
    Config e;
    CHECK_FALSE(load_config(path, true, e, err));
    CHECK(err == std::string(path) + ":2: expected \"key = value\"");
    std::remove(path);
}
