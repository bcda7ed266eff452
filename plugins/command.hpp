// Building the host commands that the probes trigger: shell quoting and the
// {placeholders} of command templates.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace jdhook {

// The word quoted for /bin/sh: unchanged when it only holds characters that
// are never special ([A-Za-z0-9_@%+=:,./-]), else in single quotes.
std::string shell_quote(std::string_view word);

// Placeholders a command template may use. {name}, {safename} and {dataset}
// are pasted shell-quoted, {jid} is a number, {program} and {zfs} (the
// configured programs) are pasted as they are.
// A "{" right after "$" is the shell's (${VAR}) and is left alone, as is any
// "{...}" that is not a lower-case word ("{}" of find -exec).
using Vars = std::map<std::string, std::string>;
extern const char* const kPlaceholders[]; // null-terminated list

// Whether every placeholder of tmpl is known; why names the first one that
// is not.
bool check_template(std::string_view tmpl, std::string& why);
// Expand tmpl with vars (values already in their final, quoted form).
bool expand(std::string_view tmpl, const Vars& vars, std::string& out, std::string& why);

} // namespace jdhook
