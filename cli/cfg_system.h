/* cfg_system — `request system reboot|halt|power-off` of both daemons.
 *
 * As Junos, each asks first (`Reboot the system ? [yes,no] (no) `,
 * `Halt the system ? ...`, `Power Off the system ? ...`); anything but yes
 * leaves everything as it was. Answered yes, it prints Junos's shutdown
 * messages (`Shutdown NOW!`, `[pid N]`, `*** FINAL System shutdown message
 * from USER@HOST ***`, `System going down IMMEDIATELY`) and stops the
 * daemon's loop. The daemon's main then stops what the appliance runs (jdmd:
 * its VNFs) and exits with cfg_system_exit_status(): CFG_SYSTEM_EXIT_REBOOT
 * tells the supervisor (`./nfx up`) to start the appliance's daemons again,
 * CFG_SYSTEM_EXIT_HALT to stop them all.
 *
 * Never the host: nothing here (or in the daemons) calls reboot(2) or runs
 * a shutdown program; nfx runs on machines it does not own outright (the
 * demo, the tests), so "the system" is the appliance's own daemons and VNFs.
 *
 * Ownership: cfg_system_new() returns a handle the caller frees with
 * cfg_system_free() (NULL accepted) after the daemon is done running.
 */
#ifndef NFX_CFG_SYSTEM_H
#define NFX_CFG_SYSTEM_H

#include "cfg_daemon.h"

/* Exit statuses of a daemon after `request system ...` (read by ./nfx up's
 * supervisor): start again, or stop everything. */
#define CFG_SYSTEM_EXIT_REBOOT 75
#define CFG_SYSTEM_EXIT_HALT 76

enum cfg_system_req { CFG_SYSTEM_NONE, CFG_SYSTEM_REBOOT, CFG_SYSTEM_HALT, CFG_SYSTEM_POWER_OFF };

struct cfg_system;

/* Register the handlers request_system_reboot, request_system_halt and
 * request_system_power_off with D. NULL with cfg_err set. */
struct cfg_system *cfg_system_new(struct cfg_daemon *d);
void cfg_system_free(struct cfg_system *s);

/* What was asked and confirmed (CFG_SYSTEM_NONE when nothing). */
enum cfg_system_req cfg_system_requested(const struct cfg_system *s);

/* The exit status of the daemon whose cfg_daemon_run() returned RUN_RC:
 * 1 when it failed, the REBOOT/HALT status after a request, else 0. */
int cfg_system_exit_status(const struct cfg_system *s, int run_rc);

#endif
