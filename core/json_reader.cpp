#include "json_reader.hpp"

namespace json = boost::json;

namespace jd {

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
