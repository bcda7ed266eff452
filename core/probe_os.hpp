// What the probe does that differs per OS (linux/probe_os.cpp,
// freebsd/probe_os.cpp). The probe is a tiny static program: plain C calls.
#pragma once

// Called first thing in the probe: forbid tracing and core dumps of this
// process, and make the title visible where ps(1)/pgrep(1) look for it.
// Never fails the probe: it only hardens.
void probe_os_setup(const char* title);
