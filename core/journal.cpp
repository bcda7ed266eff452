#include "journal.hpp"

#include "json_reader.hpp"

#include <boost/json.hpp>

#include <map>

namespace json = boost::json;

namespace jd {

namespace {

std::string line(const json::object& o) {
    return json::serialize(o) + "\n";
}

bool parse_line(std::string_view text, json::object& o, Error& err) {
    json::value v;
    if (!parse_object(text, v, err))
        return false;
    o = std::move(v.get_object());
    return true;
}

} // namespace

void put_run(json::object& o, const SavedProbe& p) {
    o["triggers"] = p.triggers;
    o["last_run_ms"] = p.last_run_ms;
    if (p.last_status) {
        int st = *p.last_status;
        if ((st & 0x7f) == 0)
            o["last_exit"] = (st >> 8) & 0xff;
        else
            o["last_signal"] = st & 0x7f;
    }
    if (p.last_ms)
        o["last_ms"] = *p.last_ms;
    if (p.pending)
        o["pending"] = true;
}

bool get_run(JsonReader& r, SavedProbe& p) {
    std::uint64_t last = 0;
    std::optional<std::uint32_t> code, sig;
    p.last_ms.reset();
    if (!r.u64("triggers", p.triggers, kMaxId, true) || !r.u64("last_run_ms", last, kMaxId, true) ||
        !r.u32("last_exit", code, 255) || !r.u32("last_signal", sig, 127) ||
        !r.u64("last_ms", p.last_ms, kMaxId))
        return false;
    if (code && sig)
        return r.fail("both \"last_exit\" and \"last_signal\"");
    const json::value* pending = r.value("pending");
    if (pending && !(pending->is_bool() && pending->get_bool()))
        return r.fail("\"pending\" is not true");
    p.pending = pending != nullptr;
    p.last_run_ms = std::int64_t(last);
    p.last_status.reset();
    if (code)
        p.last_status = int(*code) << 8;
    else if (sig)
        p.last_status = int(*sig);
    return true;
}

std::string journal_header(std::uint64_t generation) {
    json::object o;
    o["journal"] = generation;
    return line(o);
}

std::string journal_add(const SavedProbe& p) {
    json::object o;
    o["op"] = "add";
    o["probe"] = encode_probe(p);
    return line(o);
}

std::string journal_remove(std::uint64_t id) {
    json::object o;
    o["op"] = "remove";
    o["id"] = id;
    return line(o);
}

std::string journal_run(const SavedProbe& p) {
    json::object o;
    o["op"] = "run";
    o["id"] = p.id;
    put_run(o, p);
    return line(o);
}

bool replay_journal(std::string_view text, SavedState& s, Replay& out, Error& err) {
    out = Replay{};
    std::size_t end = text.rfind('\n');
    if (end == std::string_view::npos) {
        out.torn = !text.empty();
        return true; // not even a whole header: nothing was ever committed here
    }
    out.valid_len = end + 1;
    out.torn = out.valid_len != text.size();
    std::map<std::uint64_t, SavedProbe> probes;
    std::map<std::string, std::uint64_t> by_title; // identity \n title -> id
    auto key = [](const SavedProbe& p) { return p.identity + '\n' + p.spec.title; };
    auto drop = [&](std::uint64_t id) {
        auto it = probes.find(id);
        if (it == probes.end())
            return;
        by_title.erase(key(it->second));
        probes.erase(it);
    };
    std::size_t pos = 0, n = 0;
    auto bad = [&](const std::string& what) {
        err.set(EX_DATAERR_, "journal line " + std::to_string(n) + ": " + what);
        return false;
    };
    while (pos < out.valid_len) {
        std::size_t nl = text.find('\n', pos);
        std::string_view l = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++n;
        json::object o;
        Error e;
        if (!parse_line(l, o, e))
            return bad(e.what);
        JsonReader r(o, e, "journal line " + std::to_string(n));
        if (n == 1) {
            std::uint64_t g = 0;
            if (!r.u64("journal", g, kMaxId, true) || !r.no_extra()) {
                err = e;
                return false;
            }
            if (g != s.generation)
                return true; // older than the snapshot: already in it
            out.belongs = true;
            for (SavedProbe& p : s.probes) {
                by_title[key(p)] = p.id;
                probes[p.id] = p;
            }
            continue;
        }
        std::string op;
        if (!r.str("op", op, 8, true)) {
            err = e;
            return false;
        }
        if (op == "add") {
            const json::value* v = r.value("probe");
            if (!v)
                return bad("missing \"probe\"");
            if (!r.no_extra()) {
                err = e;
                return false;
            }
            SavedProbe p;
            if (!decode_probe(*v, "journal line " + std::to_string(n), p, err))
                return false;
            drop(p.id);
            if (auto it = by_title.find(key(p)); it != by_title.end())
                drop(it->second);
            if (p.id >= s.next_id)
                s.next_id = p.id + 1;
            by_title[key(p)] = p.id;
            probes[p.id] = std::move(p);
        } else if (op == "remove") {
            std::uint64_t id = 0;
            if (!r.u64("id", id, kMaxId, true) || !r.no_extra()) {
                err = e;
                return false;
            }
            drop(id);
        } else if (op == "run") {
            SavedProbe c;
            if (!r.u64("id", c.id, kMaxId, true) || !get_run(r, c) || !r.no_extra()) {
                err = e;
                return false;
            }
            if (auto it = probes.find(c.id); it != probes.end()) {
                SavedProbe& p = it->second;
                p.triggers = c.triggers;
                p.last_run_ms = c.last_run_ms;
                p.last_status = c.last_status;
                p.last_ms = c.last_ms;
                p.pending = c.pending;
            }
        } else {
            return bad("unknown op \"" + op + "\"");
        }
        ++out.records;
    }
    s.probes.clear();
    for (auto& [id, p] : probes)
        s.probes.push_back(std::move(p));
    return true;
}

} // namespace jd
