// libFuzzer target: the state-file loader. A document that decodes must
// encode and decode again to the same document.
#include "state.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    jd::SavedState s;
    jd::Error err;
    if (!jd::decode_state(text, s, err)) {
        if (err.what.empty()) {
            std::fprintf(stderr, "state refused without a reason\n");
            std::abort();
        }
        return 0;
    }
    std::string once = jd::encode_state(s);
    jd::SavedState again;
    jd::Error err2;
    if (!jd::decode_state(once, again, err2) || jd::encode_state(again) != once) {
        std::fprintf(stderr, "state round trip failed: %s\n", err2.what.c_str());
        std::abort();
    }
    return 0;
}
