#include "json_reader.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>

#include <set>
#include <string_view>
#include <vector>

namespace json = boost::json;

namespace jd {

namespace {

// Boost.JSON keeps the last of duplicate keys; a strict protocol refuses
// them ({"op":"ping","op":"add"} must not be an add). This handler only
// records the keys of each open object.
struct DuplicateKeys {
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);

    std::vector<std::set<std::string>> open;
    std::string key;
    std::string duplicate;

    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) { return true; }
    bool on_array_begin(json::error_code&) { return true; }
    bool on_array_end(std::size_t, json::error_code&) { return true; }
    bool on_object_begin(json::error_code&) {
        open.emplace_back();
        return true;
    }
    bool on_object_end(std::size_t, json::error_code&) {
        open.pop_back();
        return true;
    }
    bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
    bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
    bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
        key.append(s.data(), s.size());
        return true;
    }
    bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
        key.append(s.data(), s.size());
        if (!open.back().insert(key).second) {
            duplicate = key;
            ec = json::error::syntax;
            return false;
        }
        key.clear();
        return true;
    }
    bool on_number_part(json::string_view, json::error_code&) { return true; }
    bool on_int64(std::int64_t, json::string_view, json::error_code&) { return true; }
    bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return true; }
    bool on_double(double, json::string_view, json::error_code&) { return true; }
    bool on_bool(bool, json::error_code&) { return true; }
    bool on_null(json::error_code&) { return true; }
    bool on_comment_part(json::string_view, json::error_code&) { return true; }
    bool on_comment(json::string_view, json::error_code&) { return true; }
};

} // namespace

bool parse_object(std::string_view text, json::value& v, Error& err, const char* not_object) {
    json::error_code ec;
    json::parse_options po;
    po.max_depth = 8;
    v = json::parse(json::string_view(text.data(), text.size()), ec, {}, po);
    if (ec) {
        err.set(EX_DATAERR_, "malformed JSON: " + ec.message());
        return false;
    }
    if (!v.is_object()) {
        err.set(EX_DATAERR_, not_object);
        return false;
    }
    json::basic_parser<DuplicateKeys> dup(po);
    dup.write_some(false, text.data(), text.size(), ec);
    if (!dup.handler().duplicate.empty()) {
        err.set(EX_DATAERR_, "duplicate key \"" + dup.handler().duplicate + "\"");
        return false;
    }
    return true;
}

const json::value* JsonReader::get(const char* key) {
    asked_.insert(key);
    auto it = o_.find(key);
    return it == o_.end() ? nullptr : &it->value();
}

bool JsonReader::fail(const std::string& what) {
    err_.set(EX_DATAERR_, where_.empty() ? what : where_ + ": " + what);
    return false;
}

bool JsonReader::str(const char* key, std::string& out, std::size_t max, bool required) {
    const json::value* v = get(key);
    if (!v)
        return !required || fail(std::string("missing \"") + key + "\"");
    if (!v->is_string())
        return fail(std::string("\"") + key + "\" must be a string");
    const json::string& s = v->get_string();
    if (s.size() > max)
        return fail(std::string("\"") + key + "\" longer than " + std::to_string(max) + " bytes");
    out.assign(s.data(), s.size());
    return true;
}

bool JsonReader::u64(const char* key, std::uint64_t& out, std::uint64_t max, bool required) {
    const json::value* v = get(key);
    if (!v)
        return !required || fail(std::string("missing \"") + key + "\"");
    std::uint64_t n;
    if (v->is_uint64())
        n = v->get_uint64();
    else if (v->is_int64() && v->get_int64() >= 0)
        n = std::uint64_t(v->get_int64());
    else
        return fail(std::string("\"") + key + "\" must be a non-negative integer");
    if (n > max)
        return fail(std::string("\"") + key + "\" out of range (max " + std::to_string(max) + ")");
    out = n;
    return true;
}

bool JsonReader::u64(const char* key, std::optional<std::uint64_t>& out, std::uint64_t max) {
    std::uint64_t n = 0;
    if (!o_.contains(key)) {
        get(key);
        return true;
    }
    if (!u64(key, n, max, true))
        return false;
    out = n;
    return true;
}

bool JsonReader::u32(const char* key, std::optional<std::uint32_t>& out, std::uint32_t max) {
    std::optional<std::uint64_t> n;
    if (!u64(key, n, max))
        return false;
    if (n)
        out = std::uint32_t(*n);
    return true;
}

bool JsonReader::no_extra() {
    for (const auto& kv : o_)
        if (!asked_.count(std::string(kv.key())))
            return fail("unknown key \"" + std::string(kv.key()) + "\"");
    return true;
}

} // namespace jd
