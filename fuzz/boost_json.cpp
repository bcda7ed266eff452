// Boost.JSON compiled into the fuzzers themselves (header-only mode), so
// that the parser is instrumented for coverage and the sanitizers too.
#include <boost/json/src.hpp>
