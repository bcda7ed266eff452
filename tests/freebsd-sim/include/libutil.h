/* FREEBSD SIMULATION, tests only: pidfile(3) of FreeBSD's libutil, from
 * libbsd (Debian libbsd-dev), which carries FreeBSD's own pidfile.c. */
#include <sys/types.h>

#include <bsd/libutil.h>
