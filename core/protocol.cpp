#include "protocol.hpp"

#include "json_reader.hpp"
#include "probe_json.hpp"

#include <boost/json.hpp>

#include <stdexcept>

namespace json = boost::json;

namespace jd {

const char* respawn_name(Respawn r) {
    switch (r) {
    case Respawn::after:
        return "after";
    case Respawn::now:
        return "now";
    default:
        return "none";
    }
}

bool respawn_from(std::string_view s, Respawn& r) {
    if (s == "none")
        r = Respawn::none;
    else if (s == "after")
        r = Respawn::after;
    else if (s == "now")
        r = Respawn::now;
    else
        return false;
    return true;
}

namespace {

const char* op_name(Op op) {
    switch (op) {
    case Op::add:
        return "add";
    case Op::list:
        return "list";
    case Op::remove:
        return "remove";
    default:
        return "ping";
    }
}

bool printable(std::string_view s, bool allow_space) {
    for (unsigned char c : s)
        if (c < 0x20 || c > 0x7e || (!allow_space && c == ' '))
            return false;
    return true;
}

bool parse_request_object(std::string_view text, json::value& v, Error& err) {
    if (text.size() > kMaxRequestBytes) {
        err.set(EX_DATAERR_, "message longer than " + std::to_string(kMaxRequestBytes) + " bytes");
        return false;
    }
    return parse_object(text, v, err, "message must be a JSON object");
}

} // namespace

void put_spec(json::object& o, const ProbeSpec& p) {
    o["jail"] = p.jail;
    if (!p.label.empty())
        o["label"] = p.label;
    o["command"] = p.command;
    o["title"] = p.title;
    o["respawn"] = respawn_name(p.respawn);
    if (!p.user.empty())
        o["uid"] = p.user;
    else if (p.uid)
        o["uid"] = *p.uid;
    if (!p.group.empty())
        o["gid"] = p.group;
    else if (p.gid)
        o["gid"] = *p.gid;
    if (p.cooldown_s)
        o["cooldown"] = *p.cooldown_s;
}

bool valid_id_name(std::string_view s) {
    if (s.empty() || s.size() > kMaxNameBytes || s.front() == '-')
        return false;
    bool digits = true;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-' || (c == '$' && i + 1 == s.size());
        if (!ok)
            return false;
        digits = digits && c >= '0' && c <= '9';
    }
    return !digits;
}

namespace {
// "uid"/"gid": a number up to kMaxUid, or a name string.
bool read_id(JsonReader& r, const char* key, std::optional<std::uint32_t>& num, std::string& name) {
    const json::value* v = r.value(key);
    if (v && v->is_string()) {
        name = std::string(v->get_string());
        if (!valid_id_name(name))
            return r.fail(std::string("\"") + key + "\" must be a number or a user/group name");
        return true;
    }
    return r.u32(key, num, kMaxUid);
}
} // namespace

bool read_spec(JsonReader& r, ProbeSpec& p, bool respawn_required) {
    std::string respawn = "none";
    if (!r.str("jail", p.jail, kMaxJailBytes, true) ||
        !r.str("label", p.label, kMaxJailBytes, false) ||
        !r.str("command", p.command, kMaxCommandBytes, true) ||
        !r.str("title", p.title, kMaxTitleBytes, true) ||
        !r.str("respawn", respawn, 8, respawn_required))
        return false;
    if (!respawn_from(respawn, p.respawn))
        return r.fail("\"respawn\" must be \"none\", \"after\" or \"now\"");
    return read_id(r, "uid", p.uid, p.user) && read_id(r, "gid", p.gid, p.group) &&
           r.u32("cooldown", p.cooldown_s, kMaxCooldown);
}

bool valid_title(std::string_view t, Error& err) {
    if (t.empty()) {
        err.set(EX_DATAERR_, "title is empty");
        return false;
    }
    if (t.size() > kMaxTitleBytes) {
        err.set(EX_DATAERR_, "title longer than " + std::to_string(kMaxTitleBytes) + " bytes");
        return false;
    }
    if (!printable(t, true)) {
        err.set(EX_DATAERR_, "title holds a control or non-ASCII character");
        return false;
    }
    if (t.front() == ' ' || t.back() == ' ') {
        err.set(EX_DATAERR_, "title starts or ends with a space");
        return false;
    }
    return true;
}

bool validate(const ProbeSpec& p, Error& err) {
    if (p.jail.empty() || p.jail.size() > kMaxJailBytes || !printable(p.jail, false)) {
        err.set(EX_DATAERR_, "jail must be 1-" + std::to_string(kMaxJailBytes) +
                                 " printable characters without spaces");
        return false;
    }
    if (p.label.size() > kMaxJailBytes || !printable(p.label, false)) {
        err.set(EX_DATAERR_, "jail label must be printable characters without spaces");
        return false;
    }
    if (p.command.empty() || p.command.size() > kMaxCommandBytes) {
        err.set(EX_DATAERR_, "command must be 1-" + std::to_string(kMaxCommandBytes) + " bytes");
        return false;
    }
    bool blank = true;
    for (unsigned char c : p.command) {
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
            err.set(EX_DATAERR_, "command holds a control character");
            return false;
        }
        if (c != ' ' && c != '\t' && c != '\n')
            blank = false;
    }
    if (blank) {
        err.set(EX_DATAERR_, "command is blank");
        return false;
    }
    if (!valid_title(p.title, err))
        return false;
    if ((p.uid && *p.uid > kMaxUid) || (p.gid && *p.gid > kMaxUid)) {
        err.set(EX_DATAERR_, "uid/gid out of range");
        return false;
    }
    if ((!p.user.empty() && (p.uid || !valid_id_name(p.user))) ||
        (!p.group.empty() && (p.gid || !valid_id_name(p.group)))) {
        err.set(EX_DATAERR_, "uid/gid must be a number or a user/group name");
        return false;
    }
    if (p.cooldown_s && *p.cooldown_s > kMaxCooldown) {
        err.set(EX_DATAERR_, "cooldown longer than " + std::to_string(kMaxCooldown) + " s");
        return false;
    }
    return true;
}

Reply error_reply(int code, std::string what) {
    Reply r;
    r.ok = false;
    r.code = code;
    r.error = std::move(what);
    return r;
}

std::string encode(const Request& r) {
    json::object o;
    o["op"] = op_name(r.op);
    if (r.op == Op::add) {
        put_spec(o, r.probe);
    } else if (r.op == Op::remove || r.op == Op::list) {
        if (r.id)
            o["id"] = *r.id;
        if (!r.jail.empty())
            o["jail"] = r.jail;
        if (!r.title.empty())
            o["title"] = r.title;
        if (r.all)
            o["all"] = true;
    }
    return json::serialize(o) + "\n";
}

bool decode(std::string_view text, Request& r, Error& err) {
    json::value v;
    if (!parse_request_object(text, v, err))
        return false;
    JsonReader f(v.get_object(), err);
    std::string op;
    if (!f.str("op", op, 16, true))
        return false;
    r = Request{};
    if (op == "ping") {
        r.op = Op::ping;
    } else if (op == "add") {
        r.op = Op::add;
        if (!read_spec(f, r.probe, false) || !f.no_extra())
            return false;
        return validate(r.probe, err);
    } else if (op == "list" || op == "remove") {
        r.op = op == "list" ? Op::list : Op::remove;
        if (!f.u64("id", r.id, kMaxId) || !f.str("jail", r.jail, kMaxJailBytes, false) ||
            !f.str("title", r.title, kMaxTitleBytes, false))
            return false;
        if (const json::value* a = r.op == Op::list ? f.value("all") : nullptr) {
            if (!a->is_bool())
                return f.fail("\"all\" must be true or false");
            r.all = a->as_bool();
        }
        if (!r.title.empty() && !valid_title(r.title, err))
            return false;
        if (!printable(r.jail, false))
            return f.fail("\"jail\" must be printable characters without spaces");
        if (r.op == Op::remove) {
            if (r.id && (!r.jail.empty() || !r.title.empty()))
                return f.fail("remove takes an id, or a jail and an optional title, not both");
            if (!r.id && r.jail.empty())
                return f.fail("remove needs an id or a jail");
        } else if (r.id || !r.title.empty()) {
            return f.fail("list takes only an optional jail");
        }
    } else {
        return f.fail("unknown op \"" + op + "\"");
    }
    return f.no_extra();
}

namespace {

json::array probes_json(const std::vector<ProbeInfo>& probes) {
    json::array a;
    for (const ProbeInfo& p : probes) {
        json::object q;
        q["id"] = p.id;
        q["jail"] = p.jail;
        q["jail_key"] = p.jail_key;
        q["jid"] = p.jid;
        q["command"] = p.command;
        q["title"] = p.title;
        q["respawn"] = respawn_name(p.respawn);
        if (p.uid)
            q["uid"] = *p.uid;
        if (p.gid)
            q["gid"] = *p.gid;
        q["state"] = p.state;
        q["pid"] = p.pid;
        q["triggers"] = p.triggers;
        q["cooldown"] = p.cooldown;
        q["cooldown_set"] = p.cooldown_set;
        q["pending"] = p.pending;
        // The last run: when it started, how it ended, how long it took
        // (null until it ran, "last_exit"/"last_signal"/"last_ms" null while
        // it runs).
        q["last_run_ms"] = p.last_run_ms ? json::value(p.last_run_ms) : json::value(nullptr);
        q["last_exit"] = p.last_exit ? json::value(*p.last_exit) : json::value(nullptr);
        q["last_signal"] = p.last_signal ? json::value(*p.last_signal) : json::value(nullptr);
        q["last_ms"] = p.last_ms ? json::value(*p.last_ms) : json::value(nullptr);
        if (p.command_pid)
            q["command_pid"] = p.command_pid;
        if (!p.note.empty())
            q["note"] = p.note;
        if (!p.user.empty())
            q["user"] = p.user;
        if (!p.group.empty())
            q["group"] = p.group;
        if (!p.output.empty()) {
            json::array lines;
            for (const std::string& l : p.output)
                lines.emplace_back(l);
            q["output"] = std::move(lines);
        }
        a.push_back(std::move(q));
    }
    return a;
}

} // namespace

std::string encode(const std::vector<ProbeInfo>& probes) {
    return json::serialize(probes_json(probes)) + "\n";
}

std::string encode(const Reply& r) {
    json::object o;
    o["ok"] = r.ok;
    if (!r.ok) {
        o["code"] = r.code;
        o["error"] = r.error;
        return json::serialize(o) + "\n";
    }
    if (r.id)
        o["id"] = r.id;
    if (r.replaced)
        o["replaced"] = true;
    if (r.removed)
        o["removed"] = r.removed;
    if (!r.version.empty())
        o["version"] = r.version;
    if (!r.probes.empty())
        o["probes"] = probes_json(r.probes);
    return json::serialize(o) + "\n";
}

bool decode(std::string_view text, Reply& r, Error& err) {
    // Replies may be long (a list of many probes): no request size cap.
    json::error_code ec;
    json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
    if (ec || !v.is_object()) {
        err.set(EX_PROTOCOL_, "daemon sent a malformed reply");
        return false;
    }
    try {
        const json::object& o = v.get_object();
        r = Reply{};
        r.ok = o.at("ok").as_bool();
        if (!r.ok) {
            r.code = int(o.at("code").to_number<std::int64_t>());
            r.error = std::string(o.at("error").as_string());
            return true;
        }
        if (auto it = o.find("id"); it != o.end())
            r.id = it->value().to_number<std::uint64_t>();
        if (auto it = o.find("replaced"); it != o.end())
            r.replaced = it->value().as_bool();
        if (auto it = o.find("removed"); it != o.end())
            r.removed = it->value().to_number<std::uint64_t>();
        if (auto it = o.find("version"); it != o.end())
            r.version = std::string(it->value().as_string());
        if (auto it = o.find("probes"); it != o.end()) {
            for (const json::value& e : it->value().as_array()) {
                const json::object& q = e.as_object();
                ProbeInfo p;
                p.id = q.at("id").to_number<std::uint64_t>();
                p.jail = std::string(q.at("jail").as_string());
                p.jail_key = std::string(q.at("jail_key").as_string());
                p.jid = long(q.at("jid").to_number<std::int64_t>());
                p.command = std::string(q.at("command").as_string());
                p.title = std::string(q.at("title").as_string());
                if (!respawn_from(std::string(q.at("respawn").as_string()), p.respawn))
                    throw std::invalid_argument("unknown respawn mode");
                if (auto u = q.find("uid"); u != q.end())
                    p.uid = u->value().to_number<std::uint32_t>();
                if (auto g = q.find("gid"); g != q.end())
                    p.gid = g->value().to_number<std::uint32_t>();
                p.state = std::string(q.at("state").as_string());
                p.pid = long(q.at("pid").to_number<std::int64_t>());
                p.triggers = q.at("triggers").to_number<std::uint64_t>();
                // Newer fields: an older daemon does not send them.
                auto opt = [&q](const char* k) -> const json::value* {
                    auto it = q.find(k);
                    return it == q.end() || it->value().is_null() ? nullptr : &it->value();
                };
                if (auto v = opt("cooldown"))
                    p.cooldown = v->to_number<std::uint32_t>();
                if (auto v = opt("cooldown_set"))
                    p.cooldown_set = v->as_bool();
                if (auto v = opt("pending"))
                    p.pending = v->as_bool();
                if (auto v = opt("last_run_ms"))
                    p.last_run_ms = v->to_number<std::int64_t>();
                if (auto v = opt("last_exit"))
                    p.last_exit = v->to_number<int>();
                if (auto v = opt("last_signal"))
                    p.last_signal = v->to_number<int>();
                if (auto v = opt("last_ms"))
                    p.last_ms = v->to_number<std::uint64_t>();
                if (auto v = opt("command_pid"))
                    p.command_pid = long(v->to_number<std::int64_t>());
                if (auto v = opt("note"))
                    p.note = std::string(v->as_string());
                if (auto v = opt("user"))
                    p.user = std::string(v->as_string());
                if (auto v = opt("group"))
                    p.group = std::string(v->as_string());
                if (auto v = opt("output"))
                    for (const json::value& l : v->as_array())
                        p.output.emplace_back(l.as_string());
                r.probes.push_back(std::move(p));
            }
        }
    } catch (const std::exception& e) {
        err.set(EX_PROTOCOL_, std::string("daemon sent an unexpected reply: ") + e.what());
        return false;
    }
    return true;
}

} // namespace jd
