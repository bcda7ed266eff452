// libFuzzer target: the control-socket request parser, and the reply parser
// the client runs on what a daemon sends. Whatever decodes must survive an
// encode/decode round trip unchanged.
#include "protocol.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    jd::Request req;
    jd::Error err;
    if (jd::decode(text, req, err)) {
        std::string once = jd::encode(req);
        jd::Request again;
        jd::Error err2;
        if (!jd::decode(once, again, err2) || jd::encode(again) != once) {
            std::fprintf(stderr, "request round trip failed: %s\n", err2.what.c_str());
            std::abort();
        }
    } else if (err.what.empty() || err.code == 0) {
        std::fprintf(stderr, "refused without a reason\n");
        std::abort();
    }
    jd::Reply reply;
    jd::Error rerr;
    (void)jd::decode(text, reply, rerr);
    return 0;
}
