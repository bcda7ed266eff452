// Which commands need /bin/sh. A probe's command is run as /bin/sh -c
// COMMAND; one that is a single simple command with nothing for the shell to
// expand can be exec'd directly instead (as make(1) does), which saves
// starting a shell. The rule here is conservative: any character that means
// something to a shell, and any first word that is a shell keyword or
// builtin, keeps the shell.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jd {

// The words of command, split on spaces and tabs, when /bin/sh -c command
// would do nothing but run that one program with those arguments. nullopt
// when the command needs a shell: it is blank, holds a newline or any of
// |&;<>()$`\"' *?[]#~=%{}!^ (the space here only splits words), or its first
// word is a reserved word or builtin of sh (cd, exit, exec, echo, test, ...).
std::optional<std::vector<std::string>> plain_words(std::string_view command);

// Where /bin/sh would find program name along path (a PATH value): name
// itself when it holds a slash, else the first dir/name that is a regular
// file with an execute bit. Empty when there is none; /bin/sh then reports
// "not found" itself.
std::string find_program(std::string_view name, std::string_view path);

} // namespace jd
