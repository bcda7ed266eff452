// Starting a probe: fork into the jail, drop privileges, exec the static
// probe program by file descriptor with the title as its whole argv.
#pragma once

#include "error.hpp"
#include "jail.hpp"
#include "protocol.hpp"

#include <string>
#include <sys/types.h>

namespace jd {

// The exit status a probe uses to say "SIGHUP received: run the command".
// Anything else (a signal, another code) means it died for another reason.
constexpr int kProbeTriggered = 74;

// The probe program, opened once by the daemon before any jail is entered:
// inside a jail, paths resolve in the jail's root.
class ProbeImage {
  public:
    ~ProbeImage();
    // Open path and check that it is a regular executable file that only
    // root can change.
    bool open(const std::string& path, Error& err);
    int fd() const { return fd_; }
    const std::string& path() const { return path_; }

  private:
    int fd_ = -1;
    std::string path_;
};

// Fork a probe into jail. Returns its host pid once it has exec'd, or -1
// with err (the child is reaped in that case). devnull is an open
// descriptor of /dev/null on the host, used for the probe's stdio.
pid_t spawn_probe(Jail& jail, const ProbeImage& image, int devnull, const ProbeSpec& spec,
                  Error& err);

} // namespace jd
