// The state journal: what changed since the snapshot, one JSON record per
// line, appended and fsync'd once per group commit (commit.hpp).
//
//   {"journal":G}                  header: belongs to the snapshot of generation G
//   {"op":"add","probe":{...}}     a probe (the snapshot's form); replaces any
//                                  probe of the same id, or of the same jail
//                                  identity and title
//   {"op":"remove","id":N}         a probe is gone (no-op when unknown)
//   {"op":"run","id":N,...}        its counters: triggers, last run, and
//                                  "pending":true while a deferred run waits
//
// Every record sets rather than increments: replaying a record twice gives
// the same state.
#pragma once

#include "error.hpp"
#include "state.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace boost::json {
class object;
}

namespace jd {

class JsonReader;

// The run counters of p (triggers, last run) into o: the tail of a "run"
// record and of a snapshot's probe. get_run reads them back strictly.
void put_run(boost::json::object& o, const SavedProbe& p);
bool get_run(JsonReader& r, SavedProbe& p);

std::string journal_header(std::uint64_t generation);
std::string journal_add(const SavedProbe& p);
std::string journal_remove(std::uint64_t id);
std::string journal_run(const SavedProbe& counters); // id, triggers, last_*

struct Replay {
    bool belongs = false;      // the header names s.generation
    std::size_t valid_len = 0; // bytes up to the end of the last whole line
    std::size_t records = 0;   // records applied
    bool torn = false;         // a last line without its newline was ignored
};

// Apply the journal text to s (the snapshot it was appended to). A journal
// of another generation is ignored (belongs false). A last line without its
// newline is a torn append and ignored; any other malformed or impossible
// line is an error (the state is corrupt).
bool replay_journal(std::string_view text, SavedState& s, Replay& out, Error& err);

} // namespace jd
