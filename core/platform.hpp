// Small OS-specific services used outside the jail backends. Implemented in
// linux/platform.cpp and freebsd/platform.cpp.
#pragma once

#include "error.hpp"

#include <functional>
#include <string>
#include <sys/types.h>

namespace boost::asio {
class io_context;
}

namespace jd::platform {

// Uid and gid of the peer of a connected unix socket (SO_PEERCRED /
// getpeereid(2)).
bool peer_creds(int fd, uid_t& uid, gid_t& gid);

// Start the probe program (probe_abi.hpp) at path with argv and envp: on
// the host, outside every jail, with every signal disposition at default,
// only SIGHUP blocked, null_fd on 0-2, status_fd on 3, target_fd (if >= 0)
// on 4, and every other descriptor closed before exec. Returns 0 with *pid,
// or an errno. Linux: linux/probe_spawn.cpp; FreeBSD: posix_spawn(3).
// Get ready to start processes cheaply (Linux: reserve the low descriptor
// slots of clone_exec); call once, early, while few descriptors are open.
void prepare_spawn();

int spawn_probe_process(const char* path, char* const argv[], char* const envp[], int null_fd,
                        int status_fd, int target_fd, pid_t* pid);

// Call done(wait_status) once when child pid (ours, not yet reaped) exits;
// the watcher reaps it. No SIGCHLD handler that waits on -1: Boost.Process
// owns its own children.
void watch_child(boost::asio::io_context& io, pid_t pid, std::function<void(int status)> done);

// An exclusively locked pidfile (FreeBSD pidfile(3); Linux: flock(2)).
class Pidfile {
  public:
    Pidfile() = default;
    Pidfile(const Pidfile&) = delete;
    Pidfile& operator=(const Pidfile&) = delete;
    // Closes; removes the file too when this process locked it but never
    // wrote it (a failed start leaves no empty pidfile or lock file).
    ~Pidfile();
    // Create and lock path. When another live process holds it, returns
    // false with err.code EX_UNAVAILABLE_ and *other set to its pid.
    bool open(const std::string& path, Error& err, pid_t* other);
    // Write our pid (call after daemonizing, in the final process).
    bool write(Error& err);
    // Remove the file and release the lock.
    void remove();

  private:
    std::string path_;
    void* impl_ = nullptr; // struct pidfh* on FreeBSD
    int fd_ = -1;          // Linux
    bool written_ = false; // write() succeeded in this process
};

// Set the process title seen by ps(1) for the daemon itself (best effort).
void set_daemon_title(const char* title);

} // namespace jd::platform
