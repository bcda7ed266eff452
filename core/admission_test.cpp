// Cooldown and command cap decisions (admission.cpp).
#include "admission.hpp"

#include <doctest/doctest.h>

using namespace jd;

TEST_SUITE("admission") {

    TEST_CASE("admit: cooldown, then the cap") {
        Limits l;
        l.cooldown = std::chrono::seconds(5);
        l.max_commands = 2;
        std::int64_t retry = -1;
        CHECK(admit(l, 0, 100000, 0, &retry) == Admit::run); // never ran
        CHECK(retry == 0);
        CHECK(admit(l, 100000, 101000, 0, &retry) == Admit::cooldown);
        CHECK(retry == 4000);
        CHECK(admit_reason(Admit::cooldown, l, retry) == "cooldown of 5 s, 4 s left");
        CHECK(admit(l, 100000, 105000, 0, &retry) == Admit::run);
        CHECK(admit(l, 100000, 105000, 2, &retry) == Admit::busy);
        CHECK(retry == 1000);
        // A clock set back by an hour waits one cooldown, not an hour.
        CHECK(admit(l, 100000 + 3600000, 100000, 0, &retry) == Admit::cooldown);
        CHECK(retry == 5000);
        l.cooldown = std::chrono::seconds(0);
        CHECK(admit(l, 100000, 100000, 0, &retry) == Admit::run);
    }

} // TEST_SUITE
