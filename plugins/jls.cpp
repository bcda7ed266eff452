#include "jls.hpp"

#include "capture.hpp"
#include "number.hpp"

namespace jdhook {

namespace {

std::string first_line(std::string s) {
    std::size_t nl = s.find('\n');
    if (nl != std::string::npos)
        s.resize(nl);
    return s;
}

} // namespace

Lookup lookup_jid(const std::string& jls, const std::string& jail, long& jid, std::string& err) {
    jd::Captured c;
    if (!jd::capture({jls, "-j", jail, "jid"}, c, err))
        return Lookup::failed;
    if (c.status == 127 && c.out.empty()) {
        err = jls + ": cannot run it" + (c.errout.empty() ? "" : ": " + first_line(c.errout));
        return Lookup::failed;
    }
    if (c.status != 0) {
        std::string why = first_line(c.errout);
        err = "jail \"" + jail + "\" is not running" + (why.empty() ? "" : " (" + why + ")");
        return Lookup::unknown_jail;
    }
    std::string line = first_line(c.out);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
        line.pop_back();
    long v = 0;
    if (!jd::parse_jid(line, v)) {
        err = jls + " -j " + jail + " jid: expected a jid, got \"" + line + "\"";
        return Lookup::failed;
    }
    jid = v;
    return Lookup::found;
}

} // namespace jdhook
