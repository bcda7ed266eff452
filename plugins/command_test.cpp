#include "command.hpp"

#include <doctest/doctest.h>

using namespace jdhook;

TEST_CASE("shell_quote leaves plain words alone and quotes the rest") {
    CHECK(shell_quote("example.com") == "example.com");
    CHECK(shell_quote("web_01-a") == "web_01-a");
    CHECK(shell_quote("zroot/jails/web@x") == "zroot/jails/web@x");
    CHECK(shell_quote("") == "''");
    CHECK(shell_quote("two words") == "'two words'");
    CHECK(shell_quote("$(reboot)") == "'$(reboot)'");
    CHECK(shell_quote("it's") == "'it'\\''s'");
    CHECK(shell_quote("a;b") == "'a;b'");
}

TEST_CASE("expand substitutes known placeholders only") {
    Vars v{{"name", "web"}, {"jid", "23"}, {"program", "ezjail-admin"}};
    std::string out, why;
    REQUIRE(expand("{program} onerestart {name}", v, out, why));
    CHECK(out == "ezjail-admin onerestart web");
    REQUIRE(expand("echo ${HOME} {} {jid}", v, out, why));
    CHECK(out == "echo ${HOME} {} 23");
    REQUIRE(expand("{NAME} {na me}", v, out, why));
    CHECK(out == "{NAME} {na me}");
    CHECK_FALSE(expand("{dataset}", v, out, why));
    CHECK(why.find("no value") != std::string::npos);
    CHECK_FALSE(expand("{bogus}", v, out, why));
    CHECK(why.find("unknown placeholder {bogus}") != std::string::npos);
}

TEST_CASE("check_template names the first unknown placeholder") {
    std::string why;
    CHECK(check_template("{program} snapshot {name} {safename} {jid} {dataset}", why));
    CHECK(check_template("${name} {}", why));
    CHECK_FALSE(check_template("x {nme} {bad}", why));
    CHECK(why.find("{nme}") != std::string::npos);
}
