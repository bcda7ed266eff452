// container_spec.cpp: manager specs resolved by the manager's CLI, here a
// stand-in script found first in PATH.
#include "container_spec.hpp"
#include "test_util.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sys/stat.h>

using namespace jd;

namespace {

// PATH set to dir (and the system's, for /bin/sh) while in scope.
struct PathFirst {
    std::string old;
    explicit PathFirst(const std::string& dir) {
        const char* p = std::getenv("PATH");
        old = p ? p : "";
        setenv("PATH", (dir + ":" + old).c_str(), 1);
    }
    ~PathFirst() { setenv("PATH", old.c_str(), 1); }
};

void script(const std::string& path, const std::string& body) {
    jd::test::write_file(path, "#!/bin/sh\n" + body + "\n", 0700);
}

} // namespace

TEST_SUITE("container_spec") {

    TEST_CASE("which specs are manager specs") {
        CHECK(is_manager_spec("docker:web"));
        CHECK(is_manager_spec("podman:web"));
        CHECK(is_manager_spec("machine:web"));
        CHECK(is_manager_spec("lxc:web"));
        CHECK(is_manager_spec("lxc:"));
        CHECK_FALSE(is_manager_spec("pid:42"));
        CHECK_FALSE(is_manager_spec("42"));
        CHECK_FALSE(is_manager_spec("web"));
        CHECK_FALSE(is_manager_spec("dockerx:web"));
        CHECK_FALSE(is_manager_spec("lx:web"));
        std::string spec = "pid:42";
        Error err;
        CHECK(resolve_manager_spec(spec, err));
        CHECK(spec == "pid:42");
    }

    TEST_CASE("the manager's CLI names the leader pid") {
        Error err;
        std::string spec = "docker:web";
        if (manager_spec_refused(spec, err)) {
            // A system without these managers (FreeBSD) refuses them all.
            CHECK(err.code == EX_USAGE_);
            CHECK_FALSE(resolve_manager_spec(spec, err));
            CHECK(spec == "docker:web");
            return;
        }
        jd::test::TempDir t("container_spec");
        PathFirst path(t.path.string());
        script(t.file("docker"), "[ \"$*\" = \"inspect --format {{.State.Pid}} -- web\" ] ||\n"
                                 "    { echo \"Error: No such object: $6\" >&2; exit 1; }\n"
                                 "echo 4242");
        CHECK(resolve_manager_spec(spec, err));
        CHECK(spec == "pid:4242@docker:web");

        spec = "docker:other";
        CHECK_FALSE(resolve_manager_spec(spec, err));
        CHECK(err.code == EX_NOHOST_);
        CHECK(err.what ==
              "no such jail: docker container \"other\" does not exist or is not running");
        CHECK(spec == "docker:other");

        spec = "docker:-rf";
        CHECK_FALSE(resolve_manager_spec(spec, err));
        CHECK(err.code == EX_USAGE_);
        CHECK(err.what == "bad docker container name \"-rf\"");

        // No dockerd on the socket: the engine is unreachable, not the
        // container unknown (docker 20.10's words).
        script(t.file("docker"), "echo 'Error: No such object: '\"$6\" >&2; exit 1");
        spec = "docker:gone";
        CHECK_FALSE(resolve_manager_spec(spec, err));
        CHECK(err.code == EX_NOHOST_);
        script(t.file("docker"), "echo 'Cannot connect to the Docker daemon at unix:///x.sock. "
                                 "Is the docker daemon running?' >&2; exit 1");
        spec = "docker:web";
        CHECK_FALSE(resolve_manager_spec(spec, err));
        CHECK(err.code == EX_UNAVAILABLE_);
        CHECK(err.what == "docker cannot reach its engine (asked for the pid of docker:web): "
                          "Cannot connect to the Docker daemon at unix:///x.sock. Is the docker "
                          "daemon running?");
        // podman 4.3's words for a container it does not know.
        script(t.file("podman"),
               "echo 'Error: inspecting object: no such object: \"web\"' >&2; exit 125");
        spec = "podman:web";
        CHECK_FALSE(resolve_manager_spec(spec, err));
        CHECK(err.code == EX_NOHOST_);

        // A pid of 0 (docker's answer for a stopped container) is no pid.
        script(t.file("podman"), "echo 0");
        spec = "podman:web";
        CHECK_FALSE(resolve_manager_spec(spec, err));
        CHECK(err.code == EX_NOHOST_);

        // A CLI that hangs is killed: the client does not wait forever.
        script(t.file("lxc-info"), "sleep 5");
        spec = "lxc:web";
        CHECK_FALSE(resolve_manager_spec(spec, err, 200));
        CHECK(err.code == EX_TEMPFAIL_);
        CHECK(err.what.find("no answer") != std::string::npos);
    }

    TEST_CASE("a missing CLI is named") {
        Error err;
        std::string spec = "machine:web";
        if (manager_spec_refused(spec, err))
            return;
        PathFirst path("/nonexistent");
        setenv("PATH", "/nonexistent", 1);
        CHECK_FALSE(resolve_manager_spec(spec, err));
        CHECK(err.code == EX_UNAVAILABLE_);
        CHECK(err.what == "machinectl is not installed (needed for machine:)");
    }

} // TEST_SUITE
