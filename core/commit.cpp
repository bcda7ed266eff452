#include "commit.hpp"

#include "log.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace jd {

namespace {
// Changes nobody waits for are on disk within this.
constexpr auto kLazyDelay = std::chrono::seconds(1);
// The journal is folded into a new snapshot when it holds more records than
// this or than the registry has probes, whichever is more: compaction costs
// O(registry), so it stays O(1) per record.
constexpr std::size_t kMinCompactRecords = 1000;
} // namespace

Commit::Commit(boost::asio::io_context& io, StateFile& state, std::function<SavedState()> snapshot,
               std::function<std::size_t()> probes)
    : io_(io), state_(state), snapshot_(std::move(snapshot)), probes_(std::move(probes)),
      lazy_timer_(io) {}

void Commit::commit(std::vector<std::string> records, Done done) {
    waiting_.push_back({std::move(records), std::move(done)});
    schedule();
}

void Commit::lazy(std::string record) {
    lazy_.push_back(std::move(record));
    if (lazy_armed_)
        return;
    lazy_armed_ = true;
    lazy_timer_.expires_after(kLazyDelay);
    lazy_timer_.async_wait([this](const boost::system::error_code& ec) {
        lazy_armed_ = false;
        if (!ec && !posted_)
            write();
    });
}

void Commit::soon(std::string record) {
    lazy_.push_back(std::move(record));
    schedule();
}

void Commit::schedule() {
    if (posted_)
        return;
    posted_ = true;
    // After every handler that is ready now: the requests that came in the
    // same turn of the loop join this group.
    boost::asio::post(io_, [this] { write(); });
}

void Commit::write() {
    posted_ = false;
    if (waiting_.empty() && lazy_.empty())
        return;
    std::vector<Waiter> group;
    group.swap(waiting_);
    std::vector<std::string> records;
    records.swap(lazy_);
    Error err;
    bool ok = true;
    if (state_.needs_compaction()) {
        // The last failed append could not be cut back: start over from a
        // snapshot of the registry (which holds the lazy changes already).
        ok = state_.compact(snapshot_(), err);
        if (ok) {
            ++compactions_;
            records.clear();
        }
    }
    for (const Waiter& w : group)
        records.insert(records.end(), w.records.begin(), w.records.end());
    if (ok && !records.empty()) {
        ok = state_.append(records, err);
        ++writes_;
    }
    if (!ok) {
        // The lazy records stay queued for the next write; every waiter
        // learns that its change was not made.
        std::size_t own = 0;
        for (const Waiter& w : group)
            own += w.records.size();
        lazy_.insert(lazy_.begin(), records.begin(), records.end() - std::ptrdiff_t(own));
        if (group.empty() && !lazy_failing_)
            log_err("state not saved: " + err.what + " (journal " + state_.journal_path() +
                    "); counters and ended probes are kept for the next write");
        lazy_failing_ = group.empty();
        for (Waiter& w : group)
            w.done(err);
        return;
    }
    if (lazy_failing_)
        log_info("state saved again to " + state_.journal_path());
    lazy_failing_ = false;
    for (Waiter& w : group)
        w.done(Error{});
    // The registry now holds what the journal does: compaction may fold it.
    // The O(n) snapshot is built only when it is due: amortised O(1) a write.
    if (state_.journal_records() > std::max(kMinCompactRecords, probes_())) {
        {
            Error cerr;
            if (state_.compact(snapshot_(), cerr)) {
                ++compactions_;
                lazy_.clear(); // in the snapshot
            } else {
                log_warn("state journal not compacted (it stays valid): " + cerr.what);
            }
        }
    }
}

bool Commit::compact(Error& err) {
    if (!state_.compact(snapshot_(), err))
        return false;
    ++compactions_;
    lazy_.clear();
    return true;
}

void Commit::flush() {
    write();
}

} // namespace jd
