// The state of an OCI container, as the runtime hands it to a hook on its
// standard input (runtime-spec "state": ociVersion, id, status, pid,
// bundle, annotations): what `jaildaemon-hook oci MANAGER` needs of it.
#pragma once

#include <string>
#include <string_view>

namespace jdhook {

// The annotation that opts a container in and names it as its manager
// does (podman puts no name into the state).
inline constexpr const char* kNameAnnotation = "jaildaemon";

struct OciState {
    std::string status; // creating, created, running, stopped
    long pid = 0;       // the container's init on the host; 0 when stopped
    std::string name;   // the kNameAnnotation annotation; empty when unset
};

// Parse the state; why says what is wrong with it.
bool parse_oci_state(std::string_view json, OciState& st, std::string& why);

} // namespace jdhook
