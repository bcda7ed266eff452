// Group commit of the state journal. An acknowledged change (add, remove)
// is answered only once its records are on disk; every change queued while
// the loop is busy (in the same turn, or while a write blocks it) shares the
// next write and its one fsync. Changes nobody waits for (counters, a probe
// that ended) ride along with the next commit, or are written within a
// second. The journal is compacted into a new snapshot when it outgrows the
// registry. Everything runs on the event loop thread: a write blocks the
// loop for as long as the fsync takes (a local disk: milliseconds).
#pragma once

#include "error.hpp"
#include "state.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace jd {

class Commit {
  public:
    // err.code 0: durable. Otherwise nothing of it reached the journal.
    using Done = std::function<void(const Error& err)>;

    // snapshot: the state as the registry holds it now (for compaction);
    // probes: how many probes it holds (cheap: asked after every write).
    Commit(boost::asio::io_context& io, StateFile& state, std::function<SavedState()> snapshot,
           std::function<std::size_t()> probes);

    void commit(std::vector<std::string> records, Done done);
    void lazy(std::string record);
    // Like lazy, but written in this turn's group (a deferred run: nobody
    // waits for it, yet a restart must find it).
    void soon(std::string record);
    // Write what is queued now, then a new snapshot (start-up and stop).
    bool compact(Error& err);
    void flush();

    std::uint64_t writes() const { return writes_; }
    std::uint64_t compactions() const { return compactions_; }

  private:
    struct Waiter {
        std::vector<std::string> records;
        Done done;
    };
    void schedule();
    void write();

    boost::asio::io_context& io_;
    StateFile& state_;
    std::function<SavedState()> snapshot_;
    std::function<std::size_t()> probes_;
    std::vector<Waiter> waiting_;
    std::vector<std::string> lazy_;
    bool posted_ = false;
    boost::asio::steady_timer lazy_timer_;
    bool lazy_armed_ = false;
    bool lazy_failing_ = false;
    std::uint64_t writes_ = 0;
    std::uint64_t compactions_ = 0;
};

} // namespace jd
