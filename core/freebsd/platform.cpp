// FreeBSD services for the daemon: peer credentials, hardening of the probe
// child, reaping of our own children, pidfile(3), setproctitle(3).
//
// Checked against getpeereid(3), procctl(2), getppid(2), wait(2),
// pidfile(3) and setproctitle(3). Not compiled or run on Linux: see
// README.md in this directory.

#include "../platform.hpp"

// <sys/param.h> first: it brings <sys/types.h>, which the others rely on.
#include <sys/param.h>

#include <sys/procctl.h>
#include <sys/wait.h>

#include <libutil.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include <cerrno>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace jd::platform {

// getpeereid(3): the effective uid and gid the peer had when it called
// connect(2); neither side can change what the other sees afterwards.
// Returns -1 with errno (EBADF, ENOTSOCK, ENOTCONN, EINVAL) on failure.
bool peer_creds(int fd, uid_t& uid, gid_t& gid) {
    return getpeereid(fd, &uid, &gid) == 0;
}

namespace {

int failed(const char** stage, const char* what) {
    if (stage != nullptr)
        *stage = what;
    return errno;
}

} // namespace

// procctl(2) with P_PID and id 0 acts on the caller ("id zero is a shortcut
// for the calling process ID", documented from FreeBSD 13.2). Current kernels
// also skip, for id 0, the debug-permission check they apply to an explicit
// pid, which security.bsd.unprivileged_proc_debug=0 could make fail for a
// probe that has already dropped root.
//
// FreeBSD has no per-process capability sets to drop: after the uid change
// the probe holds exactly what its uid inside the jail holds.
int harden_child(pid_t daemon_pid, const char** stage) {
#ifdef PROC_NO_NEW_PRIVS_CTL
    // FreeBSD 14+: set-user-ID and set-group-ID bits are ignored by every
    // later execve(2) of this process and its descendants. Cannot be undone.
    int nnp = PROC_NO_NEW_PRIVS_ENABLE;
    if (procctl(P_PID, 0, PROC_NO_NEW_PRIVS_CTL, &nnp) == -1)
        return failed(stage, "procctl(PROC_NO_NEW_PRIVS_CTL)");
#endif

    // No ptrace(2), ktrace(2), debugging sysctls, hwpmc(4), dtrace(1) and no
    // core dumps. PROC_TRACE_CTL_DISABLE would be undone by the execve(2) of
    // the probe; PROC_TRACE_CTL_DISABLE_EXEC persists across it. EBUSY means
    // this process is already being traced or ktraced: refuse to go on.
    int trace = PROC_TRACE_CTL_DISABLE_EXEC;
    if (procctl(P_PID, 0, PROC_TRACE_CTL, &trace) == -1)
        return failed(stage, "procctl(PROC_TRACE_CTL)");

    // SIGKILL when our parent, the daemon, exits. On FreeBSD a uid change
    // does not clear this (procctl(2): it is cleared only for children and
    // when executing set-user-ID or set-group-ID binaries, and the probe is
    // neither), but it still comes last, as on Linux, so that nothing after
    // it can undo it.
    int sig = SIGKILL;
    if (procctl(P_PID, 0, PROC_PDEATHSIG_CTL, &sig) == -1)
        return failed(stage, "procctl(PROC_PDEATHSIG_CTL)");

    // If the daemon died before the line above, no signal will come: we
    // were already reparented. Ask getppid(2) rather than kill(daemon_pid,
    // 0): from inside the jail a host process is invisible, and kill(2)
    // fails with ESRCH even for a live daemon. getppid(2) is not filtered by
    // jails and changes to the reaper's pid when the parent exits.
    if (getppid() != daemon_pid) {
        if (stage != nullptr)
            *stage = "getppid";
        return ESRCH;
    }
    return 0;
}

namespace {

// One SIGCHLD signal_set per io_context, shared by every watched pid. An
// Asio service, so that it lives and dies with its io_context (tests make
// several in a row).
//
// Boost.Process v2 on FreeBSD (1.81, unless BOOST_PROCESS_V2_ENABLE_PDFORK)
// waits for its children the same way: its own signal_set on SIGCHLD and
// waitpid(2) on its own pid. Asio delivers each SIGCHLD to every signal_set
// waiting for it, so both see every signal. Here, as there, waitpid(2) is
// only ever called for pids we watch: waitpid(-1) would steal the exit
// status of Boost.Process's children.
class ChildWatcher : public boost::asio::execution_context::service {
  public:
    static inline boost::asio::execution_context::id id;

    explicit ChildWatcher(boost::asio::io_context& io)
        : boost::asio::execution_context::service(io), io_(io) {}

    void watch(pid_t pid, std::function<void(int)> done) {
        waiting_[pid] = std::move(done);
        if (!sigchld_) {
            sigchld_ = std::make_unique<boost::asio::signal_set>(io_, SIGCHLD);
            arm();
        }
        // The child may have exited before any signal_set existed, or before
        // ours did: that SIGCHLD is lost to us. Look once, from the loop.
        boost::asio::post(io_, [this] { reap(); });
    }

  private:
    void shutdown() override {
        sigchld_.reset();
        waiting_.clear();
    }

    void arm() {
        sigchld_->async_wait([this](const boost::system::error_code& ec, int) {
            if (ec)
                return; // operation_aborted: the io_context is going away
            reap();
            arm();
        });
    }

    // SIGCHLD carries no pid and several exits may share one signal: ask
    // each watched pid. WNOHANG: never block the loop.
    void reap() {
        std::vector<std::pair<std::function<void(int)>, int>> exited;
        for (auto it = waiting_.begin(); it != waiting_.end();) {
            int status = 0;
            pid_t r;
            do
                r = waitpid(it->first, &status, WNOHANG);
            while (r == -1 && errno == EINTR);

            if (r == it->first && !WIFSTOPPED(status)) {
                exited.emplace_back(std::move(it->second), status);
                it = waiting_.erase(it);
            } else if (r == -1 && errno == ECHILD) {
                // Reaped by someone else (only a waitpid(-1) elsewhere could
                // do that): the status is lost. -1 is no valid wait status.
                exited.emplace_back(std::move(it->second), -1);
                it = waiting_.erase(it);
            } else {
                ++it; // 0: still running
            }
        }
        // Callbacks may watch new children (respawn): call them only now that
        // the map is no longer being walked.
        for (auto& [done, status] : exited)
            done(status);
    }

    boost::asio::io_context& io_;
    std::unique_ptr<boost::asio::signal_set> sigchld_;
    std::map<pid_t, std::function<void(int)>> waiting_;
};

} // namespace

void watch_child(boost::asio::io_context& io, pid_t pid, std::function<void(int status)> done) {
    boost::asio::use_service<ChildWatcher>(io).watch(pid, std::move(done));
}

Pidfile::~Pidfile() {
    // Never written: a failed start; the locked, empty file is ours.
    if (!written_)
        remove();
    // pidfile_close(3) closes the file and keeps it; the lock goes with the
    // descriptor.
    if (impl_ != nullptr)
        pidfile_close(static_cast<struct pidfh*>(impl_));
}

// pidfile(3): pidfile_open() creates and flock(2)s the file, O_CLOEXEC, so no
// probe or host command inherits it. When another process holds the lock it
// fails with EEXIST and stores that process's pid, or -1 when the holder has
// not written its pid yet. Also meaning "locked by another process": EINVAL
// (the locked file does not hold a pid) and, from older libutil, EAGAIN (the
// holder has not written its pid yet).
bool Pidfile::open(const std::string& path, Error& err, pid_t* other) {
    path_ = path;
    pid_t holder = -1;
    struct pidfh* pfh = pidfile_open(path.c_str(), 0644, &holder);
    if (pfh == nullptr) {
        int e = errno;
        if (e == EEXIST || e == EINVAL || e == EAGAIN) {
            if (other != nullptr)
                *other = holder;
            if (e == EEXIST && holder > 0)
                err.set(EX_UNAVAILABLE_,
                        "another jaildaemon (pid " + std::to_string(holder) + ") holds " + path);
            else
                err.set(EX_UNAVAILABLE_,
                        "another process holds " + path + " locked, its pid unknown");
            return false;
        }
        err.set(EX_CANTCREAT_, errno_text("pidfile_open(" + path + ")", e));
        return false;
    }
    impl_ = pfh;
    fd_ = pidfile_fileno(pfh); // the descriptor that holds the lock
    return true;
}

// pidfile_write(3) truncates the file and writes getpid(); on failure it
// removes the file itself.
bool Pidfile::write(Error& err) {
    if (impl_ == nullptr) {
        err.set(EX_SOFTWARE_, "pidfile " + path_ + " is not open");
        return false;
    }
    if (pidfile_write(static_cast<struct pidfh*>(impl_)) == -1) {
        err.set(EX_CANTCREAT_, errno_text("pidfile_write(" + path_ + ")", errno));
        return false;
    }
    written_ = true;
    return true;
}

// pidfile_remove(3) unlinks the file, then closes it, which drops the lock.
void Pidfile::remove() {
    if (impl_ == nullptr)
        return;
    pidfile_remove(static_cast<struct pidfh*>(impl_));
    impl_ = nullptr;
    fd_ = -1;
}

// setproctitle(3) shows "progname: title" in ps(1). setproctitle is in libc
// and declared in <unistd.h>.
void set_daemon_title(const char* title) {
    if (title != nullptr)
        setproctitle("%s", title);
}

} // namespace jd::platform
