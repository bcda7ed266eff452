// FREEBSD SIMULATION, tests only: a namespace jail in a private registry
// ($FBSDSIM_ROOT) for the life of a test. Root.
#pragma once

#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <spawn.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

// The pid of a child of parent whose command is name, polled every 20 ms
// for tries times; 0 when none came.
inline pid_t child_named(pid_t parent, const char* name, int tries) {
    pid_t pid = 0;
    for (int i = 0; i < tries && pid == 0; ++i) {
        usleep(20000);
        std::string cmd = "pgrep -P " + std::to_string(parent) + " -x " + name;
        FILE* p = popen(cmd.c_str(), "r");
        if (p != nullptr && std::fscanf(p, "%d", &pid) != 1)
            pid = 0;
        if (p != nullptr)
            pclose(p);
    }
    return pid;
}

// A sleep in new pid and mount namespaces (and more_ns, unshare(1) flags),
// registered as jid, name in a registry under /tmp/fbsdsim-TAG.*: its
// leader's pid.
struct SimJail {
    std::string root;
    pid_t unshare = 0, leader = 0;
    SimJail(int jid, const char* name, const char* tag, const std::vector<const char*>& more_ns) {
        std::string tmpl = std::string("/tmp/fbsdsim-") + tag + ".XXXXXX";
        root = mkdtemp(tmpl.data());
        setenv("FBSDSIM_ROOT", root.c_str(), 1);
        mkdir((root + "/jails").c_str(), 0755);
        std::vector<const char*> argv = {"unshare", "--pid", "--mount"};
        argv.insert(argv.end(), more_ns.begin(), more_ns.end());
        for (const char* a : {"--fork", "--mount-proc", "sleep", "600"})
            argv.push_back(a);
        argv.push_back(nullptr);
        REQUIRE(posix_spawnp(&unshare, "unshare", nullptr, nullptr, const_cast<char**>(argv.data()),
                             environ) == 0);
        leader = child_named(unshare, "sleep", 200);
        REQUIRE(leader > 0);
        add(jid, name);
    }
    SimJail(const SimJail&) = delete;
    SimJail& operator=(const SimJail&) = delete;
    // Registers the same jail once more, as jid, name.
    void add(int jid, const char* name) {
        std::string cmd = "start=$(sed 's/.*) //' /proc/" + std::to_string(leader) +
                          "/stat | cut -d' ' -f20); echo \"" + name + " " + std::to_string(leader) +
                          " $start\" > " + root + "/jails/" + std::to_string(jid);
        REQUIRE(std::system(cmd.c_str()) == 0);
    }
    // Kills the jail; its registration stays.
    void remove() {
        if (unshare > 0) {
            kill(leader, SIGKILL);
            waitpid(unshare, nullptr, 0);
            unshare = 0;
        }
    }
    ~SimJail() {
        remove();
        std::system(("rm -rf " + root).c_str());
        unsetenv("FBSDSIM_ROOT");
        unsetenv("FBSDSIM_KERNEL");
    }
};
