// Boost.Process v2 (1.81) is built once, here, instead of in every file that
// includes it (BOOST_PROCESS_V2_SEPARATE_COMPILATION is set by meson).
#include <boost/process/v2/src.hpp>
