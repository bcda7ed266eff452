// The uid and gid checks against a jail's own passwd and group
// (jail_users.cpp).
#include "jail_users.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace jd;

namespace {
struct Files {
    std::filesystem::path dir;
    Files(const std::string& passwd, const std::string& group) {
        char tmpl[] = "/tmp/jaildaemon-ids.XXXXXX";
        dir = mkdtemp(tmpl);
        std::ofstream(dir / "passwd") << passwd;
        std::ofstream(dir / "group") << group;
    }
    ~Files() { std::filesystem::remove_all(dir); }
    IdCheck check(std::optional<std::uint32_t> u, std::optional<std::uint32_t> g) {
        return check_jail_ids(u, g, (dir / "passwd").c_str(), (dir / "group").c_str());
    }
};
} // namespace

TEST_SUITE("jail_users") {

    TEST_CASE("jail ids: from the jail's own passwd and group") {
        Files f("root:x:0:0::/root:/bin/sh\n# comment\nnobody:x:65534:65533::/:/bin/false\n"
                "broken line\nweb:x:1001:1001\n",
                "wheel:x:0:\nnogroup:x:65533:\nweb:x:1001:\n");
        IdCheck c = f.check(65534, std::nullopt);
        CHECK(c.ok);
        CHECK(c.gid == 65533); // the primary group, not the uid
        CHECK(f.check(1001, 1001).ok);
        CHECK(f.check(0, std::nullopt).ok);
        CHECK(f.check(std::nullopt, 65533).ok);
        c = f.check(4000, std::nullopt);
        CHECK(!c.ok);
        CHECK(std::string(c.why) == "uid 4000 not in the jail's /etc/passwd");
        c = f.check(1001, 4000);
        CHECK(!c.ok);
        CHECK(std::string(c.why) == "gid 4000 not in the jail's /etc/group");
        CHECK(!f.check(std::nullopt, 1).ok);
    }

    TEST_CASE("jail ids: no passwd, or not a regular file") {
        IdCheck c = check_jail_ids(1000, std::nullopt, "/nonexistent/passwd", "/nonexistent/group");
        CHECK(!c.ok);
        CHECK(std::string(c.why) == "uid 1000: jail has no readable /etc/passwd");
        CHECK(!check_jail_ids(1000, std::nullopt, "/dev/null/x", "/").ok);
        CHECK(!check_jail_ids(std::nullopt, 5, "/", "/").ok); // a directory is no group file
        CHECK(check_jail_ids(0, 0, "/nonexistent", "/nonexistent").ok); // root needs no file
    }

} // TEST_SUITE
