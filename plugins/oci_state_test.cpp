#include "oci_state.hpp"

#include <doctest/doctest.h>

using namespace jdhook;

TEST_CASE("the OCI state podman 4.3 hands a poststart and a poststop hook") {
    OciState st;
    std::string why;
    REQUIRE(parse_oci_state(R"({"ociVersion":"1.0.2-dev","id":"a752","status":"created",)"
                            R"("pid":11085,"bundle":"/x","annotations":{"io.container.manager":)"
                            R"("libpod","jaildaemon":"web1"}})",
                            st, why));
    CHECK(st.status == "created");
    CHECK(st.pid == 11085);
    CHECK(st.name == "web1");
    REQUIRE(parse_oci_state(R"({"ociVersion":"1.0.2-dev","id":"a752","status":"stopped",)"
                            R"("bundle":"/x","annotations":{"jaildaemon":"web1"}})",
                            st, why));
    CHECK(st.status == "stopped");
    CHECK(st.pid == 0);
    CHECK(st.name == "web1");
    REQUIRE(parse_oci_state(R"({"status":"running","pid":5})", st, why));
    CHECK(st.name.empty());
}

TEST_CASE("a broken state is refused") {
    OciState st;
    std::string why;
    CHECK_FALSE(parse_oci_state("", st, why));
    CHECK_FALSE(parse_oci_state("[1]", st, why));
    CHECK_FALSE(parse_oci_state(R"({"pid":5})", st, why));
    CHECK(why == "the container state has no \"status\"");
    CHECK_FALSE(parse_oci_state(R"({"status":"created","pid":-1})", st, why));
    CHECK_FALSE(parse_oci_state(R"({"status":"created","pid":"5"})", st, why));
}
