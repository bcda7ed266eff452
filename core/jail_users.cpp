#include "jail_users.hpp"

#include "number.hpp"
#include "read_capped.hpp"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace jd {

namespace {

constexpr std::size_t kMaxFileBytes = 4 * 1024 * 1024;

// The whole file, or false. O_NONBLOCK and the S_ISREG check: a FIFO planted
// by jail root must not hang the child.
bool slurp(const char* path, std::string& out) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return false;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return false;
    }
    bool too_big;
    int e = read_capped(fd, out, kMaxFileBytes, too_big);
    ::close(fd);
    return e == 0 && !too_big;
}

bool to_u32(std::string_view s, std::uint32_t& v) {
    return parse_number(s, std::uint32_t(-1), v);
}

// Field idx (0-based, ':'-separated) of line.
std::string_view field(std::string_view line, int idx) {
    for (int i = 0; i < idx; ++i) {
        auto c = line.find(':');
        if (c == std::string_view::npos)
            return {};
        line.remove_prefix(c + 1);
    }
    return line.substr(0, line.find(':'));
}

// Whether match holds for one entry of text, a passwd(5) or group(5) file:
// its lines but blank ones, comments and NIS "+"/"-" entries, in order.
template <class F> bool any_entry(const std::string& text, F match) {
    std::string_view all(text);
    while (!all.empty()) {
        auto nl = all.find('\n');
        std::string_view line = all.substr(0, nl);
        all.remove_prefix(nl == std::string_view::npos ? all.size() : nl + 1);
        if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-')
            continue;
        if (match(line))
            return true;
    }
    return false;
}

// Find a line whose field id_field equals id; *other gets field other_field.
bool find_id(const std::string& text, int id_field, std::uint32_t id, int other_field,
             std::uint32_t* other) {
    return any_entry(text, [&](std::string_view line) {
        std::uint32_t v;
        if (!to_u32(field(line, id_field), v) || v != id)
            return false;
        return !other || to_u32(field(line, other_field), *other);
    });
}

// The field id_field of the line whose first field is name.
bool find_name(const std::string& text, std::string_view name, int id_field, std::uint32_t& id) {
    return any_entry(text, [&](std::string_view line) {
        return field(line, 0) == name && to_u32(field(line, id_field), id);
    });
}

IdCheck refuse_name(const char* fmt, const char* name) {
    IdCheck c;
    std::snprintf(c.why, sizeof c.why, fmt, name);
    return c;
}

IdCheck refuse(const char* fmt, std::uint32_t id) {
    IdCheck c;
    std::snprintf(c.why, sizeof c.why, fmt, unsigned(id));
    return c;
}

} // namespace

IdCheck check_jail_ids(std::optional<std::uint32_t> uid, std::optional<std::uint32_t> gid,
                       const char* passwd, const char* group) {
    IdCheck c;
    c.gid = gid ? *gid : 0;
    if (uid && *uid != 0) {
        std::string text;
        if (!slurp(passwd, text))
            return refuse("uid %u: jail has no readable /etc/passwd", *uid);
        std::uint32_t primary = 0;
        if (!find_id(text, 2, *uid, 3, &primary))
            return refuse("uid %u not in the jail's /etc/passwd", *uid);
        if (!gid)
            c.gid = primary;
    }
    if (c.gid != 0 && (gid || !uid)) {
        std::string text;
        if (!slurp(group, text))
            return refuse("gid %u: jail has no readable /etc/group", c.gid);
        if (!find_id(text, 2, c.gid, 0, nullptr))
            return refuse("gid %u not in the jail's /etc/group", c.gid);
    }
    c.ok = true;
    return c;
}

IdCheck resolve_jail_names(ProbeConfig& cfg, const char* passwd, const char* group) {
    struct Lookup {
        std::uint32_t flag, id_flag;
        char* name;
        std::size_t size;
        const char* file;
        std::uint32_t* id;
        const char *unreadable, *missing;
    } lookups[] = {
        {kProbeUser, kProbeUid, cfg.user, sizeof cfg.user, passwd, &cfg.uid,
         "user %.16s: jail has no readable /etc/passwd",
         "user %.16s not in the jail's /etc/passwd"},
        {kProbeGroup, kProbeGid, cfg.group, sizeof cfg.group, group, &cfg.gid,
         "group %.16s: jail has no readable /etc/group",
         "group %.16s not in the jail's /etc/group"},
    };
    for (Lookup& l : lookups) {
        if (!(cfg.flags & l.flag))
            continue;
        if (l.name[0] == '\0' || l.name[l.size - 1] != '\0')
            return refuse_name("%s: a bad name", l.flag == kProbeUser ? "user" : "group");
        std::string text;
        if (!slurp(l.file, text))
            return refuse_name(l.unreadable, l.name);
        if (!find_name(text, l.name, 2, *l.id))
            return refuse_name(l.missing, l.name);
        cfg.flags = (cfg.flags & ~l.flag) | l.id_flag;
    }
    IdCheck c;
    c.ok = true;
    return c;
}

} // namespace jd
