// The uid and gid checks against a jail's own passwd and group
// (jail_users.cpp).
#include "jail_users.hpp"

#include <doctest/doctest.h>

#include <cstdio>
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

    TEST_CASE("names: looked up in the jail's passwd and group, then checked") {
        Files f("root:x:0:0::/root:/bin/sh\n#www:x:7:7\n+www:x:8:8\nwww:x:80:80::/:/bin/false\n",
                "wheel:x:0:root\nwww:x:80:\nstaff:x:20:\n");
        auto resolve = [&](const char* user, const char* group) {
            ProbeConfig cfg;
            if (user) {
                cfg.flags |= kProbeUser;
                std::snprintf(cfg.user, sizeof cfg.user, "%s", user);
            }
            if (group) {
                cfg.flags |= kProbeGroup;
                std::snprintf(cfg.group, sizeof cfg.group, "%s", group);
            }
            IdCheck c =
                resolve_jail_names(cfg, (f.dir / "passwd").c_str(), (f.dir / "group").c_str());
            return std::make_pair(c, cfg);
        };
        auto [c, cfg] = resolve("www", "staff");
        CHECK(c.ok);
        CHECK(cfg.flags == (kProbeUid | kProbeGid));
        CHECK(cfg.uid == 80);
        CHECK(cfg.gid == 20);
        auto [c2, cfg2] = resolve(nullptr, "wheel");
        CHECK(c2.ok);
        CHECK(cfg2.flags == kProbeGid);
        CHECK(cfg2.gid == 0);
        auto [c3, cfg3] = resolve("daemon", nullptr);
        CHECK_FALSE(c3.ok);
        CHECK(std::string(c3.why) == "user daemon not in the jail's /etc/passwd");
        auto [c4, cfg4] = resolve(nullptr, "sys");
        CHECK_FALSE(c4.ok);
        CHECK(std::string(c4.why) == "group sys not in the jail's /etc/group");
        ProbeConfig none;
        CHECK(resolve_jail_names(none, "/nonexistent", "/nonexistent").ok);
        ProbeConfig gone;
        gone.flags = kProbeUser;
        std::snprintf(gone.user, sizeof gone.user, "www");
        CHECK(std::string(resolve_jail_names(gone, "/nonexistent", "/nonexistent").why) ==
              "user www: jail has no readable /etc/passwd");
    }

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
