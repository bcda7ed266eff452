// A ProbeSpec as JSON, written and read in one place for the wire (an "add"
// request) and the daemon's state file and journal (a probe's entry): the
// same field names and bounds everywhere.
//
//   "jail", "label" (when set), "command", "title", "respawn",
//   "uid", "gid", "cooldown" (each when set)
#pragma once

#include "json_reader.hpp"
#include "protocol.hpp"

#include <boost/json/object.hpp>

namespace jd {

// Add the fields above to o, after what it holds (a request's "op", a state
// entry's "id").
void put_spec(boost::json::object& o, const ProbeSpec& p);

// Read the fields above strictly (types, bounds; an unknown "respawn" is an
// error). "respawn" may be left out on the wire ("none"); the state file
// always writes it, so there it is required. The caller still checks the
// values with validate() and the object with r.no_extra().
bool read_spec(JsonReader& r, ProbeSpec& p, bool respawn_required);

} // namespace jd
