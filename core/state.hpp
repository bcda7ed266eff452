// The daemon's persisted registry: what must survive a restart or a kill -9.
// A snapshot (PATH: one JSON document, written atomically: temp file, fsync,
// rename, fsync of the directory) and a journal (PATH.journal, journal.hpp:
// one JSON record per line, appended and fsync'd once per group commit).
// Loading is the snapshot plus a replay of the journal, read strictly.
#pragma once

#include "error.hpp"
#include "protocol.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace jd {

constexpr int kStateVersion = 1;
// A state file larger than this is not read (about 10,000 probes with the
// longest commands fit).
constexpr std::size_t kMaxStateBytes = 64 * 1024 * 1024;

struct SavedProbe {
    std::uint64_t id = 0;
    ProbeSpec spec;
    std::string identity; // Jail::identity() when it was registered
    std::uint64_t triggers = 0;
    std::int64_t last_run_ms = 0;         // wall clock of the last command run, 0: never
    std::optional<int> last_status;       // wait(2) status of the last run
    std::optional<std::uint64_t> last_ms; // its duration
    // A trigger whose command has not run yet (deferred by the cooldown or
    // the command cap): it runs after a restart too.
    bool pending = false;
};

struct SavedState {
    std::uint64_t next_id = 1;
    // Which journal belongs to this snapshot: a journal whose header names
    // another generation is older than the snapshot and already in it.
    std::uint64_t generation = 0;
    std::vector<SavedProbe> probes;
};

std::string encode_state(const SavedState& s);
// One probe as a JSON object (snapshot entry, journal "add" record) and back.
boost::json::object encode_probe(const SavedProbe& p);
bool decode_probe(const boost::json::value& v, const std::string& where, SavedProbe& p, Error& err);
// Strict: unknown keys, wrong types, out-of-range values, duplicate ids or
// duplicate jail+title pairs make the whole document invalid.
bool decode_state(std::string_view text, SavedState& s, Error& err);

// The state on disk: the snapshot (PATH) and its journal (PATH.journal).
// One daemon per state file: run_daemon() holds PATH.lock (lockfile.hpp).
class StateFile {
  public:
    explicit StateFile(std::string path) : path_(std::move(path)), journal_(path_ + ".journal") {}
    const std::string& path() const { return path_; }

    StateFile(const StateFile&) = delete;
    StateFile& operator=(const StateFile&) = delete;
    ~StateFile();
    const std::string& journal_path() const { return journal_; }
    std::string dir() const;

    // Read and decode the snapshot, then replay the journal. A missing file
    // is an empty state. A journal whose last record is torn (no newline:
    // killed in the middle of an append) loses only that record. Anything
    // else that cannot be decoded makes the whole state corrupt: both files
    // are renamed to NAME.corrupt-TIMESTAMP (the snapshot's named in *moved)
    // and the state is empty; that is not an error. Errors: the files or
    // their directory can be changed by someone other than us, or cannot be
    // read at all.
    bool load(SavedState& s, Error& err, std::string* corrupt_reason, std::string* moved);
    // After load(): what it left out without calling the state corrupt (a
    // torn last journal record: its length and offset), or empty.
    const std::string& load_note() const { return note_; }
    // Atomic replace of the snapshot: PATH.tmp, fsync, rename, fsync of the
    // directory (the rename is durable only then; POSIX). Does not touch the
    // journal.
    bool save(const SavedState& s, Error& err);
    // A new snapshot of s under the next generation, then a fresh, empty
    // journal for it (also atomically replaced), each followed by an fsync
    // of the directory. On failure the files on disk describe what they did
    // before, or s: the journal is replaced only once the new snapshot's
    // rename is durable.
    bool compact(SavedState s, Error& err);
    // Append records (one line each, journal.hpp) to the journal and fsync
    // it once. On failure (err.what is strerror and the directory, e.g. "No
    // space left on device (/var/db/jaildaemon)") the journal is cut back to
    // where it was: nothing of the group is ever replayed.
    bool append(const std::vector<std::string>& records, Error& err);
    // Records appended since the last compaction.
    std::size_t journal_records() const { return records_; }
    // A failed append could not be cut back: only compact() helps.
    bool needs_compaction() const { return broken_; }
    // Create the directory of the state file (mode 0700) when missing, and
    // fsync the parent of each directory it creates.
    bool make_dir(Error& err);

  private:
    bool open_journal(Error& err);
    bool fail_io(const char* what, int e, Error& err);

    std::string path_;
    std::string journal_;
    std::uint64_t generation_ = 0; // of the snapshot on disk
    int jfd_ = -1;                 // journal, open for appending
    off_t jsize_ = -1;             // its length up to the last good record
    bool jvalid_ = false;          // the journal on disk belongs to generation_
    bool broken_ = false;
    bool dir_unsynced_ = false; // a rename whose directory fsync failed
    std::size_t records_ = 0;
    std::string note_;
};

} // namespace jd
