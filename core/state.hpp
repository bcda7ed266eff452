// The daemon's persisted registry: what must survive a restart or a kill -9.
// One JSON document, written atomically (temp file, fsync, rename, fsync of
// the directory) on every change, read strictly on start.
#pragma once

#include "error.hpp"
#include "protocol.hpp"

#include <cstdint>
#include <string>
#include <string_view>
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
    std::int64_t last_run_ms = 0; // wall clock of the last command run, 0: never
};

struct SavedState {
    std::uint64_t next_id = 1;
    std::vector<SavedProbe> probes;
};

std::string encode_state(const SavedState& s);
// Strict: unknown keys, wrong types, out-of-range values, duplicate ids or
// duplicate jail+title pairs make the whole document invalid.
bool decode_state(std::string_view text, SavedState& s, Error& err);

// The state file and its lock.
class StateFile {
  public:
    explicit StateFile(std::string path) : path_(std::move(path)) {}
    const std::string& path() const { return path_; }

    // Read and decode. A missing file is an empty state. A file that cannot
    // be decoded is renamed to PATH.corrupt-TIMESTAMP (named in *moved) and
    // also gives an empty state; that is not an error. Errors: the file or
    // its directory can be changed by someone other than us, or cannot be
    // read at all.
    bool load(SavedState& s, Error& err, std::string* corrupt_reason, std::string* moved);
    // Atomic replace: PATH.tmp, fsync, rename, fsync of the directory.
    bool save(const SavedState& s, Error& err);
    // Create the directory of the state file (mode 0700) when missing.
    bool make_dir(Error& err);

  private:
    std::string path_;
};

} // namespace jd
