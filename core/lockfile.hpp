// Files that say "this daemon runs": the pidfile (-p) and the state lock
// (STATE.lock, one daemon per state file). Both are held locked for the
// daemon's life and hold its pid, so that a second daemon is refused with
// the first one's pid; a failed start leaves neither behind.
#pragma once

#include "error.hpp"

#include <memory>
#include <string>
#include <sys/types.h>

namespace jd {

// An exclusively locked file (flock(2)) holding the pid of the process that
// locked it. Portable: lockfile.cpp.
class LockFile {
  public:
    // what names the file in messages ("lock file", "pidfile").
    explicit LockFile(std::string what = "lock file") : what_(std::move(what)) {}
    LockFile(const LockFile&) = delete;
    LockFile& operator=(const LockFile&) = delete;
    // Closes; removes the file too when this process locked it but never
    // wrote it (a failed start leaves no empty lock file).
    ~LockFile();
    // Create and lock path. When another live process holds it, returns
    // false with err.code EX_UNAVAILABLE_ and *other set to its pid.
    bool open(const std::string& path, Error& err, pid_t* other);
    // Write our pid (call after daemonizing, in the final process).
    bool write(Error& err);
    // Remove the file and release the lock.
    void remove();

  private:
    std::string what_;
    std::string path_;
    int fd_ = -1;
    bool written_ = false; // write() succeeded in this process
};

// The pidfile, the same contract as LockFile. FreeBSD: pidfile(3) from
// libutil (freebsd/pidfile.cpp); Linux: a LockFile (linux/pidfile.cpp).
class Pidfile {
  public:
    Pidfile();
    Pidfile(const Pidfile&) = delete;
    Pidfile& operator=(const Pidfile&) = delete;
    ~Pidfile();
    bool open(const std::string& path, Error& err, pid_t* other);
    bool write(Error& err);
    void remove();

  private:
    struct Impl; // each backend's own
    std::unique_ptr<Impl> impl_;
};

} // namespace jd
