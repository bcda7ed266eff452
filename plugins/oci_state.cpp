#include "oci_state.hpp"

#include <boost/json.hpp>

namespace jdhook {

bool parse_oci_state(std::string_view json, OciState& st, std::string& why) {
    namespace js = boost::json;
    boost::system::error_code ec;
    js::value v = js::parse(json, ec);
    if (ec || !v.is_object()) {
        why = "the container state on standard input is not a JSON object";
        return false;
    }
    const js::object& o = v.as_object();
    st = OciState{};
    const js::value* status = o.if_contains("status");
    if (status == nullptr || !status->is_string()) {
        why = "the container state has no \"status\"";
        return false;
    }
    st.status = status->as_string();
    if (const js::value* pid = o.if_contains("pid")) {
        if (!pid->is_int64() || pid->as_int64() < 0 || pid->as_int64() > 0x7fffffff) {
            why = "the container state's \"pid\" is not a process id";
            return false;
        }
        st.pid = static_cast<long>(pid->as_int64());
    }
    if (const js::value* ann = o.if_contains("annotations"); ann != nullptr && ann->is_object())
        if (const js::value* n = ann->as_object().if_contains(kNameAnnotation);
            n != nullptr && n->is_string())
            st.name = n->as_string();
    return true;
}

} // namespace jdhook
