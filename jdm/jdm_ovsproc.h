/* jdm_ovsproc — the Open vSwitch processes of the appliance: ovsdb-server
 * and ovs-vswitchd (or Debian's ovs-vswitchd-dpdk), owned by jdmd.
 *
 * Everything lives in a private run directory STATE/ovs: the database
 * conf.db (created from vswitch.ovsschema when missing), the OVSDB socket
 * db.sock, the unixctl sockets ovsdb-server.ctl / ovs-vswitchd.ctl, pid
 * files and logs. OVS_RUNDIR, OVS_LOGDIR and OVS_DBDIR point there, so
 * nothing of the host's /var/run/openvswitch is used. The processes run in
 * jdmd's network namespace, and never in the host's: jdm_ovsproc_ensure()
 * refuses to start them there.
 *
 * They are started when not running (a process named by a pid file that is
 * alive and is that program is adopted, e.g. after jdmd restarted), watched
 * (jdm_ovsproc_check(), from the tick) and started again when they die. The
 * caller converges its bridge after a restart (the database keeps the rows;
 * ovs-vswitchd rebuilds its ports from them).
 *
 * Threads: every function takes the module's mutex; the commit thread and
 * the loop thread may both call them. Starting waits (bounded) until the
 * database answers on db.sock.
 *
 * Ownership: jdm_ovsproc_new() returns a handle the caller frees with
 * jdm_ovsproc_free() (NULL accepted), which leaves the processes running
 * (they belong to the appliance; ./nfx down ends them with its namespace);
 * jdm_ovsproc_stop() ends them.
 */
#ifndef NFX_JDM_OVSPROC_H
#define NFX_JDM_OVSPROC_H

#include <stdbool.h>
#include <sys/types.h>

struct jdm_ovsproc;

enum jdm_ovsproc_which { JDM_OVS_DB, JDM_OVS_SWITCH };

/* The OVS of STATE_DIR (copied). NULL with cfg_err set. */
struct jdm_ovsproc *jdm_ovsproc_new(const char *state_dir);
void jdm_ovsproc_free(struct jdm_ovsproc *p);

/* The db.sock path (borrowed, lives as long as P). */
const char *jdm_ovsproc_db_sock(const struct jdm_ovsproc *p);
const char *jdm_ovsproc_dir(const struct jdm_ovsproc *p);

/* Make both run: ovsdb-server (the database created first if missing),
 * then ovs-vswitchd, the DPDK build when DPDK. A running ovs-vswitchd of
 * the other build is stopped and the right one started. 0, or -1 with
 * cfg_err set (not in a namespace of its own; a program missing; the
 * database did not answer). */
int jdm_ovsproc_ensure(struct jdm_ovsproc *p, bool dpdk);
/* Which build ensure() last asked for. */
bool jdm_ovsproc_dpdk(const struct jdm_ovsproc *p);
/* Restart a dead process (only after ensure() succeeded once). Returns a
 * bitmask of what was restarted (1 << JDM_OVS_DB, 1 << JDM_OVS_SWITCH),
 * 0 when both are fine, -1 when a restart failed (cfg_err set). */
int jdm_ovsproc_check(struct jdm_ovsproc *p);
/* The pid of a running process, or -1. */
pid_t jdm_ovsproc_pid(struct jdm_ovsproc *p, enum jdm_ovsproc_which w);
/* Stop both (TERM, then KILL after 5 s), by pid. */
void jdm_ovsproc_stop(struct jdm_ovsproc *p);

#endif
