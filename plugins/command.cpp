#include "command.hpp"

#include <cstring>

namespace jdhook {

const char* const kPlaceholders[] = {"name",    "safename", "jid",  "program",
                                     "dataset", "zfs",      nullptr};

namespace {

bool plain_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr("_@%+=:,./-", c) != nullptr;
}

bool known(std::string_view word) {
    for (const char* const* p = kPlaceholders; *p != nullptr; ++p)
        if (word == *p)
            return true;
    return false;
}

// At tmpl[i] == '{': the length of a "{word}" placeholder, 0 when the brace
// is not one.
std::size_t placeholder_at(std::string_view tmpl, std::size_t i) {
    if (i > 0 && tmpl[i - 1] == '$')
        return 0;
    std::size_t j = i + 1;
    while (j < tmpl.size() && tmpl[j] >= 'a' && tmpl[j] <= 'z')
        ++j;
    if (j == i + 1 || j >= tmpl.size() || tmpl[j] != '}')
        return 0;
    return j - i + 1;
}

} // namespace

std::string shell_quote(std::string_view word) {
    bool plain = !word.empty();
    for (char c : word)
        plain = plain && plain_char(c);
    if (plain)
        return std::string(word);
    std::string out = "'";
    for (char c : word) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    out += '\'';
    return out;
}

bool check_template(std::string_view tmpl, std::string& why) {
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] != '{')
            continue;
        std::size_t n = placeholder_at(tmpl, i);
        if (n == 0)
            continue;
        std::string_view word = tmpl.substr(i + 1, n - 2);
        if (!known(word)) {
            why = "unknown placeholder {" + std::string(word) +
                  "} (known: {name} {safename} {jid} {program} {dataset})";
            return false;
        }
        i += n - 1;
    }
    return true;
}

bool expand(std::string_view tmpl, const Vars& vars, std::string& out, std::string& why) {
    out.clear();
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        std::size_t n = tmpl[i] == '{' ? placeholder_at(tmpl, i) : 0;
        if (n == 0) {
            out += tmpl[i];
            continue;
        }
        std::string word(tmpl.substr(i + 1, n - 2));
        auto it = vars.find(word);
        if (it == vars.end()) {
            why = known(word) ? "placeholder {" + word + "} has no value here"
                              : "unknown placeholder {" + word + "}";
            return false;
        }
        out += it->second;
        i += n - 1;
    }
    return true;
}

} // namespace jdhook
