#include "shell_words.hpp"

#include <algorithm>
#include <iterator>
#include <sys/stat.h>

namespace jd {

namespace {

// Characters after which sh might do something other than pass the word on:
// quoting, expansion, globbing, redirection, pipes, lists, subshells,
// comments, tilde and assignment, brace and history syntax of other shells.
constexpr std::string_view kShellChars = "|&;<>()$`\\\"'*?[]#~=%{}!^\n";

// Words that sh would not look up in PATH when they come first: reserved
// words, and the builtins of dash, FreeBSD sh and bash (some of which also
// exist as programs, but behave differently there).
constexpr std::string_view kShellWords[] = {
    "!",        ".",       ":",         "[",        "[[",       "]]",      "{",       "}",
    "alias",    "bg",      "bind",      "break",    "builtin",  "caller",  "case",    "cd",
    "chdir",    "command", "compgen",   "complete", "continue", "declare", "dirs",    "disown",
    "do",       "done",    "echo",      "elif",     "else",     "enable",  "esac",    "eval",
    "exec",     "exit",    "export",    "false",    "fc",       "fg",      "fi",      "for",
    "function", "getopts", "hash",      "help",     "history",  "if",      "in",      "jobs",
    "kill",     "let",     "local",     "logout",   "mapfile",  "popd",    "printf",  "pushd",
    "pwd",      "read",    "readarray", "readonly", "return",   "select",  "set",     "setvar",
    "shift",    "shopt",   "source",    "suspend",  "test",     "then",    "time",    "times",
    "trap",     "true",    "type",      "typeset",  "ulimit",   "umask",   "unalias", "unset",
    "until",    "wait",    "while",
};

bool is_shell_word(std::string_view w) {
    return std::find(std::begin(kShellWords), std::end(kShellWords), w) != std::end(kShellWords);
}

bool executable_file(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0;
}

} // namespace

std::optional<std::vector<std::string>> plain_words(std::string_view command) {
    std::vector<std::string> words;
    std::string word;
    for (char c : command) {
        unsigned char u = static_cast<unsigned char>(c);
        if (c == ' ' || c == '\t') {
            if (!word.empty())
                words.push_back(std::move(word));
            word.clear();
            continue;
        }
        // Control characters never reach here (the protocol refuses them),
        // but a shell is the safe answer to anything unexpected.
        if (kShellChars.find(c) != std::string_view::npos || u < 0x20 || u == 0x7f)
            return std::nullopt;
        word += c;
    }
    if (!word.empty())
        words.push_back(std::move(word));
    if (words.empty() || is_shell_word(words.front()))
        return std::nullopt;
    return words;
}

std::string find_program(std::string_view name, std::string_view path) {
    if (name.empty())
        return {};
    if (name.find('/') != std::string_view::npos)
        return executable_file(std::string(name)) ? std::string(name) : std::string();
    while (true) {
        auto colon = path.find(':');
        std::string_view dir = path.substr(0, colon);
        // An empty entry means the current directory: leave such a PATH to
        // the shell rather than imitate it.
        if (dir.empty())
            return {};
        std::string candidate = std::string(dir) + "/" + std::string(name);
        if (executable_file(candidate))
            return candidate;
        if (colon == std::string_view::npos)
            return {};
        path.remove_prefix(colon + 1);
    }
}

} // namespace jd
