#include "state.hpp"

#include "json_reader.hpp"

#include <boost/json.hpp>

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace json = boost::json;

namespace jd {

namespace {

constexpr std::uint64_t kMaxId = (std::uint64_t(1) << 53) - 1;
constexpr std::uint32_t kMaxUid = 4294967294u;

json::object probe_object(const SavedProbe& p) {
    json::object o;
    o["id"] = p.id;
    o["jail"] = p.spec.jail;
    if (!p.spec.label.empty())
        o["label"] = p.spec.label;
    o["identity"] = p.identity;
    o["command"] = p.spec.command;
    o["title"] = p.spec.title;
    o["respawn"] = respawn_name(p.spec.respawn);
    if (p.spec.uid)
        o["uid"] = *p.spec.uid;
    if (p.spec.gid)
        o["gid"] = *p.spec.gid;
    o["triggers"] = p.triggers;
    o["last_run_ms"] = p.last_run_ms;
    return o;
}

bool read_probe(const json::value& v, std::size_t index, SavedProbe& p, Error& err) {
    std::string where = "probe #" + std::to_string(index);
    if (!v.is_object()) {
        err.set(EX_DATAERR_, where + " is not an object");
        return false;
    }
    JsonReader r(v.get_object(), err, where);
    std::string respawn;
    std::uint64_t last = 0;
    bool ok = r.u64("id", p.id, kMaxId, true) && r.str("jail", p.spec.jail, kMaxJailBytes, true) &&
              r.str("label", p.spec.label, kMaxJailBytes, false) &&
              r.str("identity", p.identity, 1024, true) &&
              r.str("command", p.spec.command, kMaxCommandBytes, true) &&
              r.str("title", p.spec.title, kMaxTitleBytes, true) &&
              r.str("respawn", respawn, 8, true) && r.u32("uid", p.spec.uid, kMaxUid) &&
              r.u32("gid", p.spec.gid, kMaxUid) && r.u64("triggers", p.triggers, kMaxId, true) &&
              r.u64("last_run_ms", last, kMaxId, true) && r.no_extra();
    if (!ok)
        return false;
    p.last_run_ms = std::int64_t(last);
    if (p.id == 0) {
        err.set(EX_DATAERR_, where + ": id 0");
        return false;
    }
    if (!respawn_from(respawn, p.spec.respawn)) {
        err.set(EX_DATAERR_, where + ": bad \"respawn\" " + respawn);
        return false;
    }
    if (p.identity.empty()) {
        err.set(EX_DATAERR_, where + ": empty \"identity\"");
        return false;
    }
    Error verr;
    if (!validate(p.spec, verr)) {
        err.set(EX_DATAERR_, where + ": " + verr.what);
        return false;
    }
    return true;
}

std::string dir_of(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

// Only we (or root) may be able to change what the daemon will run as root.
bool safe_owner(const struct stat& st, bool is_dir) {
    uid_t me = geteuid();
    if (st.st_uid != me && st.st_uid != 0)
        return false;
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return is_dir && (st.st_mode & S_ISVTX); // e.g. /tmp: others cannot replace our file
    return true;
}

bool write_all(int fd, const std::string& s) {
    std::size_t done = 0;
    while (done < s.size()) {
        ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += std::size_t(n);
    }
    return true;
}

} // namespace

std::string encode_state(const SavedState& s) {
    json::object o;
    o["version"] = kStateVersion;
    o["next_id"] = s.next_id;
    json::array a;
    for (const SavedProbe& p : s.probes)
        a.push_back(probe_object(p));
    o["probes"] = std::move(a);
    return json::serialize(o) + "\n";
}

bool decode_state(std::string_view text, SavedState& s, Error& err) {
    if (text.size() > kMaxStateBytes) {
        err.set(EX_DATAERR_, "larger than " + std::to_string(kMaxStateBytes) + " bytes");
        return false;
    }
    json::error_code ec;
    json::parse_options po;
    po.max_depth = 8;
    json::value v = json::parse(json::string_view(text.data(), text.size()), ec, {}, po);
    if (ec) {
        err.set(EX_DATAERR_, "malformed JSON: " + ec.message());
        return false;
    }
    if (!v.is_object()) {
        err.set(EX_DATAERR_, "not a JSON object");
        return false;
    }
    JsonReader r(v.get_object(), err, "state");
    std::uint64_t version = 0;
    SavedState out;
    const json::value* probes = nullptr;
    if (!r.u64("version", version, 1000, true) || !r.u64("next_id", out.next_id, kMaxId, true))
        return false;
    if (!(probes = r.value("probes")))
        return r.fail("missing \"probes\"");
    if (!r.no_extra())
        return false;
    if (version != kStateVersion) {
        err.set(EX_DATAERR_, "state: version " + std::to_string(version) + ", expected " +
                                 std::to_string(kStateVersion));
        return false;
    }
    if (!probes->is_array()) {
        err.set(EX_DATAERR_, "state: \"probes\" is not an array");
        return false;
    }
    std::set<std::uint64_t> ids;
    std::set<std::pair<std::string, std::string>> titles;
    for (std::size_t i = 0; i < probes->get_array().size(); ++i) {
        SavedProbe p;
        if (!read_probe(probes->get_array()[i], i, p, err))
            return false;
        if (p.id >= out.next_id) {
            err.set(EX_DATAERR_, "probe #" + std::to_string(i) + ": id " + std::to_string(p.id) +
                                     " not below next_id " + std::to_string(out.next_id));
            return false;
        }
        if (!ids.insert(p.id).second || !titles.insert({p.identity, p.spec.title}).second) {
            err.set(EX_DATAERR_, "probe #" + std::to_string(i) + ": duplicate id or jail+title");
            return false;
        }
        out.probes.push_back(std::move(p));
    }
    s = std::move(out);
    return true;
}

bool StateFile::make_dir(Error& err) {
    std::string dir = dir_of(path_);
    std::string part;
    std::size_t pos = 0;
    while (pos != std::string::npos) {
        pos = dir.find('/', pos + 1);
        part = dir.substr(0, pos);
        if (part.empty() || part == "/")
            continue;
        mode_t mode = pos == std::string::npos ? 0700 : 0755;
        if (::mkdir(part.c_str(), mode) != 0 && errno != EEXIST) {
            err.set(EX_CANTCREAT_, errno_text("cannot create state directory " + part +
                                                  " (choose another with --state)",
                                              errno));
            return false;
        }
    }
    return true;
}

bool StateFile::load(SavedState& s, Error& err, std::string* corrupt_reason, std::string* moved) {
    s = SavedState{};
    struct stat dst;
    std::string dir = dir_of(path_);
    if (stat(dir.c_str(), &dst) != 0) {
        err.set(EX_CANTCREAT_, errno_text("state directory " + dir, errno));
        return false;
    }
    if (!S_ISDIR(dst.st_mode) || !safe_owner(dst, true)) {
        err.set(EX_CONFIG_, "state directory " + dir +
                                " must be a directory owned by root and not writable by others");
        return false;
    }
    int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return true;
        err.set(EX_CANTCREAT_, errno_text("cannot open state file " + path_, errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !safe_owner(st, false)) {
        ::close(fd);
        err.set(EX_CONFIG_, "state file " + path_ +
                                " must be a regular file owned by root and not writable by others");
        return false;
    }
    std::string text;
    char buf[65536];
    ssize_t n;
    bool too_big = false;
    while ((n = ::read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
        if (n > 0)
            text.append(buf, std::size_t(n));
        if (text.size() > kMaxStateBytes) {
            too_big = true;
            break;
        }
    }
    int read_errno = n < 0 ? errno : 0;
    ::close(fd);
    if (read_errno) {
        err.set(EX_OSERR_, errno_text("cannot read state file " + path_, read_errno));
        return false;
    }
    Error derr;
    if (too_big)
        derr.set(EX_DATAERR_, "larger than " + std::to_string(kMaxStateBytes) + " bytes");
    if (too_big || !decode_state(text, s, derr)) {
        s = SavedState{};
        if (corrupt_reason)
            *corrupt_reason = derr.what;
        char stamp[32];
        std::time_t now = std::time(nullptr);
        struct tm tm;
        gmtime_r(&now, &tm);
        std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
        std::string aside = path_ + ".corrupt-" + stamp;
        for (int i = 1; access(aside.c_str(), F_OK) == 0; ++i)
            aside = path_ + ".corrupt-" + stamp + "-" + std::to_string(i);
        if (::rename(path_.c_str(), aside.c_str()) != 0) {
            err.set(EX_CANTCREAT_,
                    errno_text("cannot move corrupt state file " + path_ + " aside", errno));
            return false;
        }
        if (moved)
            *moved = aside;
    }
    return true;
}

bool StateFile::save(const SavedState& s, Error& err) {
    std::string text = encode_state(s);
    std::string tmp = path_ + ".tmp";
    ::unlink(tmp.c_str());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        err.set(EX_CANTCREAT_, errno_text("cannot create " + tmp, errno));
        return false;
    }
    if (!write_all(fd, text) || fsync(fd) != 0) {
        int e = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        err.set(EX_CANTCREAT_, errno_text("cannot write " + tmp, e));
        return false;
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path_.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        err.set(EX_CANTCREAT_, errno_text("cannot rename " + tmp + " to " + path_, e));
        return false;
    }
    // The rename itself must reach the disk too.
    int dfd = ::open(dir_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        ::close(dfd);
    }
    return true;
}

} // namespace jd
