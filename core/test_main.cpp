// The doctest runner of the unit tests (core/*_test.cpp, plugins/*_test.cpp).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
