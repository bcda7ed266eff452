#include "manager.hpp"

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

const std::vector<std::unique_ptr<Manager>>& managers() {
    static const std::vector<std::unique_ptr<Manager>> all = [] {
        std::vector<std::unique_ptr<Manager>> v;
        v.push_back(make_ezjail());
        v.push_back(make_bastille());
        v.push_back(make_jailconf());
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
