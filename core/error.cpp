#include "error.hpp"

#include <cstring>

namespace jd {

std::string errno_text(const std::string& what, int err) {
    return what + ": " + std::strerror(err);
}

} // namespace jd
