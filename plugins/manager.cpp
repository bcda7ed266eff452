#include "manager.hpp"

#include <cstring>

namespace jdhook {

bool Manager::valid_name(const std::string& jail, std::string& why) const {
    if (jail.empty()) {
        why = "the jail name is empty";
        return false;
    }
    if (jail.size() > 255) {
        why = "the jail name is longer than 255 bytes";
        return false;
    }
    if (jail.front() == '-') {
        why = "a jail name does not start with '-'";
        return false;
    }
    for (unsigned char c : jail) {
        if (c <= 0x20 || c == 0x7f) {
            why = "a jail name holds no spaces or control characters";
            return false;
        }
    }
    return true;
}

bool only_alnum_and(const std::string& s, const char* extra) {
    for (unsigned char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  (c != 0 && std::strchr(extra, c) != nullptr);
        if (!ok)
            return false;
    }
    return true;
}

std::string Manager::no_snapshot_reason(const Section&) const {
    return name() + " has no snapshot command";
}

const std::vector<std::unique_ptr<Manager>>& managers() {
    static const std::vector<std::unique_ptr<Manager>> all = [] {
        std::vector<std::unique_ptr<Manager>> v;
        v.push_back(make_ezjail());
        v.push_back(make_bastille());
        v.push_back(make_jailconf());
        v.push_back(make_iocage());
        v.push_back(make_pot());
        v.push_back(make_appjail());
        v.push_back(make_cbsd());
        return v;
    }();
    return all;
}

const Manager* find_manager(const std::string& name) {
    for (const auto& m : managers())
        if (m->name() == name)
            return m.get();
    return nullptr;
}

} // namespace jdhook
