// Strict, typed reading of one JSON object, shared by the wire protocol and
// the state file: wrong types, out-of-range numbers and keys nobody asked
// for are errors (EX_DATAERR_), and the first problem wins.
#pragma once

#include "error.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace jd {

// Parse text as one JSON object, strictly: malformed JSON, anything but an
// object, nesting deeper than 8 and duplicate keys ({"op":"ping","op":"add"}
// must not be an add; Boost.JSON would keep the last) are errors
// (EX_DATAERR_; not_object says so for anything but an object). The caller bounds the size.
bool parse_object(std::string_view text, boost::json::value& v, Error& err,
                  const char* not_object = "not a JSON object");

class JsonReader {
  public:
    // where prefixes every message ("probe #3: ..."); may be empty.
    JsonReader(const boost::json::object& o, Error& err, std::string where = "")
        : o_(o), err_(err), where_(std::move(where)) {}

    bool str(const char* key, std::string& out, std::size_t max, bool required);
    bool u64(const char* key, std::uint64_t& out, std::uint64_t max, bool required);
    bool u64(const char* key, std::optional<std::uint64_t>& out, std::uint64_t max);
    bool u32(const char* key, std::optional<std::uint32_t>& out, std::uint32_t max);
    // Any value (nullptr when absent), for the caller to check.
    const boost::json::value* value(const char* key) { return get(key); }
    // Every key of the object must have been asked for.
    bool no_extra();
    bool fail(const std::string& what);

  private:
    const boost::json::value* get(const char* key);

    const boost::json::object& o_;
    Error& err_;
    std::string where_;
    std::set<std::string> asked_;
};

} // namespace jd
