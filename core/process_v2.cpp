// The compiled part of Boost.Process v2, once for the whole program: with
// BOOST_PROCESS_V2_SEPARATE_COMPILATION (set for jdclient in meson.build)
// the headers only declare it. capture.cpp is its one user.
#include <boost/process/v2/src.hpp>
