/* FREEBSD SIMULATION, tests only: glibc's <sys/param.h> with FreeBSD's
 * MAXHOSTNAMELEN (256; glibc says 64), the kernel's limit of a jail name. */
#include_next <sys/param.h>
#undef MAXHOSTNAMELEN
#define MAXHOSTNAMELEN 256
