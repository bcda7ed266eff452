#include "state.hpp"

#include "journal.hpp"
#include "json_reader.hpp"
#include "probe_json.hpp"
#include "read_capped.hpp"

#include <boost/json.hpp>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace json = boost::json;

namespace jd {

json::object encode_probe(const SavedProbe& p) {
    json::object o;
    o["id"] = p.id;
    o["identity"] = p.identity;
    put_spec(o, p.spec);
    put_run(o, p);
    return o;
}

bool decode_probe(const json::value& v, const std::string& where, SavedProbe& p, Error& err) {
    if (!v.is_object()) {
        err.set(EX_DATAERR_, where + " is not an object");
        return false;
    }
    JsonReader r(v.get_object(), err, where);
    if (!r.u64("id", p.id, kMaxId, true) || !r.str("identity", p.identity, 1024, true) ||
        !read_spec(r, p.spec, true) || !get_run(r, p) || !r.no_extra())
        return false;
    if (p.id == 0)
        return r.fail("id 0");
    if (p.identity.empty())
        return r.fail("empty \"identity\"");
    Error verr;
    if (!validate(p.spec, verr))
        return r.fail(verr.what);
    return true;
}

namespace {

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

// fsync(2) of a directory: what makes a file's creation, rename or removal
// in it durable (POSIX leaves that to the directory). 0 or the errno.
int sync_dir(const std::string& dir) {
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return errno;
    int e = fsync(dfd) != 0 ? errno : 0;
    ::close(dfd);
    return e;
}

} // namespace

std::string encode_state(const SavedState& s) {
    json::object o;
    o["version"] = kStateVersion;
    o["next_id"] = s.next_id;
    if (s.generation)
        o["generation"] = s.generation;
    json::array a;
    for (const SavedProbe& p : s.probes)
        a.push_back(encode_probe(p));
    o["probes"] = std::move(a);
    return json::serialize(o) + "\n";
}

bool decode_state(std::string_view text, SavedState& s, Error& err) {
    if (text.size() > kMaxStateBytes) {
        err.set(EX_DATAERR_, "larger than " + std::to_string(kMaxStateBytes) + " bytes");
        return false;
    }
    json::value v;
    if (!parse_object(text, v, err))
        return false;
    JsonReader r(v.get_object(), err, "state");
    std::uint64_t version = 0;
    SavedState out;
    const json::value* probes = nullptr;
    if (!r.u64("version", version, 1000, true) || !r.u64("next_id", out.next_id, kMaxId, true) ||
        !r.u64("generation", out.generation, kMaxId, false))
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
        if (!decode_probe(probes->get_array()[i], "probe #" + std::to_string(i), p, err))
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
        if (::mkdir(part.c_str(), mode) != 0) {
            if (errno == EEXIST)
                continue;
            err.set(EX_CANTCREAT_, errno_text("cannot create state directory " + part +
                                                  " (choose another with --state)",
                                              errno));
            return false;
        }
        // The new directory's entry in its parent must be durable too.
        if (int e = sync_dir(dir_of(part))) {
            err.set(EX_CANTCREAT_, errno_text("cannot sync directory " + dir_of(part), e));
            return false;
        }
    }
    return true;
}

namespace {

// Read a file only we (or root) can change. *exists false: it is missing.
bool read_private(const std::string& path, std::string& text, bool& exists, bool& too_big,
                  Error& err) {
    exists = false;
    too_big = false;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return true;
        err.set(EX_CANTCREAT_, errno_text("cannot open state file " + path, errno));
        return false;
    }
    exists = true;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !safe_owner(st, false)) {
        ::close(fd);
        err.set(EX_CONFIG_, "state file " + path +
                                " must be a regular file owned by root and not writable by others");
        return false;
    }
    int read_errno = read_capped(fd, text, kMaxStateBytes, too_big);
    ::close(fd);
    if (read_errno) {
        err.set(EX_OSERR_, errno_text("cannot read state file " + path, read_errno));
        return false;
    }
    return true;
}

std::string aside_name(const std::string& path) {
    char stamp[32];
    std::time_t now = std::time(nullptr);
    struct tm tm;
    gmtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    std::string aside = path + ".corrupt-" + stamp;
    for (int i = 1; access(aside.c_str(), F_OK) == 0; ++i)
        aside = path + ".corrupt-" + stamp + "-" + std::to_string(i);
    return aside;
}

// Write text to path atomically: path.tmp, fsync, rename, fsync of the
// directory. Returns 0 or the errno; *step names what failed. *renamed: the
// new file is in place (only its directory entry may not be durable yet).
int replace_file(const std::string& path, const std::string& text, const char** step,
                 bool* renamed) {
    *renamed = false;
    std::string tmp = path + ".tmp";
    ::unlink(tmp.c_str());
    *step = "create";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return errno;
    *step = "write";
    if (!write_all(fd, text) || fsync(fd) != 0) {
        int e = errno ? errno : EIO;
        ::close(fd);
        ::unlink(tmp.c_str());
        return e;
    }
    if (::close(fd) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return e;
    }
    *step = "rename";
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return e;
    }
    *renamed = true;
    // The rename itself must reach the disk too.
    *step = "sync directory";
    return sync_dir(dir_of(path));
}

} // namespace

StateFile::~StateFile() {
    if (jfd_ >= 0)
        ::close(jfd_);
}

std::string StateFile::dir() const {
    return dir_of(path_);
}

bool StateFile::fail_io(const char* what, int e, Error& err) {
    // The reply to the client says this much; the log says which file.
    err.set(EX_CANTCREAT_, std::string(std::strerror(e)) + " (" + dir() + ")");
    (void)what;
    return false;
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
    std::string text, jtext;
    bool exists = false, jexists = false, too_big = false, jtoo_big = false;
    if (!read_private(path_, text, exists, too_big, err) ||
        !read_private(journal_, jtext, jexists, jtoo_big, err))
        return false;
    Error derr;
    Replay rep;
    bool good = true;
    if (too_big || jtoo_big) {
        derr.set(EX_DATAERR_, std::string(too_big ? "snapshot" : "journal") + " larger than " +
                                  std::to_string(kMaxStateBytes) + " bytes");
        good = false;
    } else if (exists && !decode_state(text, s, derr)) {
        good = false;
    } else if (jexists && !replay_journal(jtext, s, rep, derr)) {
        good = false;
    }
    if (good) {
        note_.clear();
        if (rep.torn && rep.belongs)
            note_ = "dropped a torn last record of the journal " + journal_ + " (" +
                    std::to_string(jtext.size() - rep.valid_len) + " bytes at offset " +
                    std::to_string(rep.valid_len) +
                    " without its newline: an append cut short, never acknowledged)";
        generation_ = s.generation;
        jvalid_ = rep.belongs;
        jsize_ = off_t(rep.valid_len);
        records_ = rep.records;
        return true;
    }
    s = SavedState{};
    if (corrupt_reason)
        *corrupt_reason = derr.what;
    // Both go aside: a journal is nothing without its snapshot, and a
    // snapshot without the rest of its journal is not what was acknowledged.
    for (const std::string* f : {&path_, &journal_}) {
        if (!(f == &path_ ? exists : jexists))
            continue;
        std::string aside = aside_name(*f);
        if (::rename(f->c_str(), aside.c_str()) != 0) {
            err.set(EX_CANTCREAT_,
                    errno_text("cannot move corrupt state file " + *f + " aside", errno));
            return false;
        }
        if (moved)
            *moved += (moved->empty() ? "" : " and ") + aside;
    }
    // Best effort: if the renames are lost, the next start moves them again.
    (void)sync_dir(dir);
    generation_ = 0;
    jvalid_ = false;
    jsize_ = -1;
    records_ = 0;
    return true;
}

bool StateFile::save(const SavedState& s, Error& err) {
    const char* step = "";
    bool renamed = false;
    if (int e = replace_file(path_, encode_state(s), &step, &renamed)) {
        err.set(EX_CANTCREAT_, errno_text(std::string("cannot ") + step + " " + path_ + ".tmp", e));
        return false;
    }
    return true;
}

bool StateFile::compact(SavedState s, Error& err) {
    s.generation = generation_ + 1;
    const char* step = "";
    bool renamed = false;
    int e = replace_file(path_, encode_state(s), &step, &renamed);
    if (e && !renamed)
        return fail_io(step, e, err); // the old snapshot and journal stand
    // The new snapshot is in place and holds everything; the old journal (of
    // the old generation) is ignored by load() with it. If its rename is not
    // known to be durable (the directory's fsync failed), a crash may still
    // leave the old snapshot: the old journal must then stay as it is, so
    // the journal is replaced only after a directory fsync that worked.
    generation_ = s.generation;
    if (jfd_ >= 0)
        ::close(jfd_);
    jfd_ = -1;
    jvalid_ = false;
    broken_ = false;
    records_ = 0;
    dir_unsynced_ = e != 0;
    if (e)
        return fail_io(step, e, err);
    Error jerr;
    (void)open_journal(jerr); // else again at the next append; the old journal is harmless
    return true;
}

bool StateFile::open_journal(Error& err) {
    if (jfd_ >= 0)
        return true;
    if (!jvalid_) {
        // A fresh journal for the snapshot on disk, once that is durable.
        if (dir_unsynced_) {
            if (int e = sync_dir(dir()))
                return fail_io("sync directory", e, err);
            dir_unsynced_ = false;
        }
        std::string head = journal_header(generation_);
        const char* step = "";
        bool renamed = false;
        if (int e = replace_file(journal_, head, &step, &renamed))
            return fail_io(step, e, err);
        jvalid_ = true;
        jsize_ = off_t(head.size());
        records_ = 0;
    }
    int fd = ::open(journal_.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return fail_io("open", errno, err);
    // Cut a torn last record (kill -9 in the middle of an append) away.
    struct stat st;
    if (fstat(fd, &st) != 0 || (st.st_size != jsize_ && ftruncate(fd, jsize_) != 0)) {
        int e = errno;
        ::close(fd);
        return fail_io("truncate", e, err);
    }
    jfd_ = fd;
    return true;
}

bool StateFile::append(const std::vector<std::string>& records, Error& err) {
    if (broken_) {
        err.set(EX_CANTCREAT_, "journal " + journal_ + " needs a new snapshot first");
        return false;
    }
    if (!open_journal(err))
        return false;
    std::string text;
    for (const std::string& r : records)
        text += r;
    std::size_t done = 0;
    int e = 0;
    while (done < text.size()) {
        ssize_t n = ::pwrite(jfd_, text.data() + done, text.size() - done, jsize_ + off_t(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            e = n < 0 ? errno : EIO;
            break;
        }
        done += std::size_t(n);
    }
    if (!e && fdatasync(jfd_) != 0)
        e = errno;
    if (e) {
        // Nothing of this group may ever be replayed: cut it off again.
        if (ftruncate(jfd_, jsize_) != 0 || fdatasync(jfd_) != 0) {
            ::close(jfd_);
            jfd_ = -1;
            broken_ = true; // the next commit writes a snapshot first
        }
        return fail_io("append", e, err);
    }
    jsize_ += off_t(text.size());
    records_ += records.size();
    return true;
}

} // namespace jd
