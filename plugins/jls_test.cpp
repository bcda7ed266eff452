#include "jls.hpp"

#include "capture.hpp"
#include "test_util.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace jdhook;

namespace {

// A throw-away stand-in for jls(8) whose body is the given shell text.
struct Script {
    std::string path;
    explicit Script(const std::string& body) {
        char tmpl[] = "/tmp/jdhook-jls-XXXXXX";
        int fd = ::mkstemp(tmpl);
        REQUIRE(fd >= 0);
        ::close(fd);
        path = tmpl;
        jd::test::write_file(path, "#!/bin/sh\n" + body + "\n", 0700);
    }
    ~Script() { std::remove(path.c_str()); }
};

} // namespace

TEST_CASE("lookup_jid asks `jls -j NAME jid`") {
    Script s("[ \"$1 $2 $3\" = \"-j web jid\" ] || exit 3\necho 42");
    long jid = 0;
    std::string err;
    CHECK(lookup_jid(s.path, "web", jid, err) == Lookup::found);
    CHECK(jid == 42);
    CHECK(lookup_jid(s.path, "other", jid, err) == Lookup::unknown_jail);
}

TEST_CASE("lookup_jid tells an unknown jail from a broken jls") {
    long jid = 0;
    std::string err;
    Script missing("echo 'jls: jail \"web\" not found' >&2; exit 1");
    CHECK(lookup_jid(missing.path, "web", jid, err) == Lookup::unknown_jail);
    CHECK(err == "jail \"web\" is not running (jls: jail \"web\" not found)");

    Script junk("echo abc");
    CHECK(lookup_jid(junk.path, "web", jid, err) == Lookup::failed);
    CHECK(err.find("expected a jid, got \"abc\"") != std::string::npos);

    Script zero("echo 0");
    CHECK(lookup_jid(zero.path, "web", jid, err) == Lookup::failed);

    CHECK(lookup_jid("/nonexistent/jls", "web", jid, err) == Lookup::failed);
    CHECK(err.find("/nonexistent/jls") == 0);
}

TEST_CASE("capture kills a program that does not finish") {
    Script slow("sleep 5");
    jd::Captured c;
    std::string err;
    CHECK_FALSE(jd::capture({slow.path}, c, err, 200));
    CHECK(err.find("no answer") != std::string::npos);
}

TEST_CASE("capture keeps stdout, stderr and the exit status apart") {
    Script s("echo out; echo err >&2; exit 3");
    jd::Captured c;
    std::string err;
    REQUIRE(jd::capture({s.path}, c, err));
    CHECK(c.out == "out\n");
    CHECK(c.errout == "err\n");
    CHECK(c.status == 3);
    CHECK_FALSE(jd::capture({"/nonexistent/prog"}, c, err));
    CHECK(c.spawn_errno == ENOENT);
    CHECK(err.rfind("/nonexistent/prog: ", 0) == 0);
}

TEST_CASE("capture: a bare name is looked up in PATH, a signal is 128 + its number") {
    jd::Captured c;
    std::string err;
    REQUIRE(jd::capture({"sh", "-c", "echo hi"}, c, err));
    CHECK(c.out == "hi\n");
    CHECK(c.status == 0);
    REQUIRE(jd::capture({"sh", "-c", "kill -TERM $$"}, c, err));
    CHECK(c.status == 128 + 15);
    CHECK_FALSE(jd::capture({"jaildaemon-no-such-program"}, c, err));
    CHECK(c.spawn_errno == ENOENT);
    // Standard input is /dev/null: cat ends at once.
    REQUIRE(jd::capture({"cat"}, c, err, 5000));
    CHECK(c.out.empty());
    // At most 64 KiB of output is kept, and a large output does not block.
    REQUIRE(jd::capture({"sh", "-c", "head -c 200000 /dev/zero"}, c, err));
    CHECK(c.out.size() >= 64 * 1024);
    CHECK(c.out.size() < 64 * 1024 + 4096);
}
