/* jdm_syslog — the `system` statements of the box itself, as one subsystem
 * row of jdmd ("system", order 15):
 *
 *   system syslog    the appliance's syslog: an rsyslogd that jdmd owns
 *                    (started, restarted after a change or when it died,
 *                    stopped when nothing is configured), in jdmd's network
 *                    namespace. It listens on STATE/syslog/log (nfx_log.h:
 *                    jdmd's and jcpd's messages), its configuration is
 *                    generated into STATE/syslog/rsyslog.conf:
 *                      host H FAC LEVEL   forwarded over UDP to H port 514
 *                      file F FAC LEVEL   LOG_DIR/F (installed:
 *                                         /var/log/nfx/F; ./nfx up: STATE/log/F)
 *                      user U FAC LEVEL   to U's terminals (* = everyone)
 *                    Junos facilities map to syslog ones (any *, daemon,
 *                    user, kernel kern, authorization auth, security
 *                    authpriv, ftp, ntp, interactive-commands local7,
 *                    change-log local6, conflict-log local5, dfc local4,
 *                    external local3, firewall local2, pfe local1); levels
 *                    (emergency emerg, critical crit, error err, any *,
 *                    none) select that level and above.
 *   system host-name, system name-server, system ntp server
 *                    written into ETC_DIR: ETC_DIR/hostname (and the
 *                    hostname of jdmd's UTS namespace, set with
 *                    sethostname(2), only when ETC_DIR is /etc: the
 *                    installed layout), ETC_DIR/resolv.conf,
 *                    ETC_DIR/systemd/timesyncd.conf.d/nfx.conf (the NTP
 *                    client of Debian). ETC_DIR is STATE/etc under ./nfx up
 *                    and in the tests (`--etc-dir`, default): the machine's
 *                    own /etc is never touched there. The syslog's
 *                    messages carry the host-name.
 *
 * Errors: -1 with cfg_err / findings with their [edit ...] path (cfg_err.h).
 * Ownership: jdm_syslog_new() copies its strings; jdm_syslog_free() stops
 * the rsyslogd and accepts NULL.
 */
#ifndef NFX_JDM_SYSLOG_H
#define NFX_JDM_SYSLOG_H

#include "cfg_subsys.h"

struct jdm_syslog;

/* LOG_DIR NULL: STATE/log; ETC_DIR NULL: STATE/etc. */
struct jdm_syslog *jdm_syslog_new(const char *state_dir, const char *log_dir, const char *etc_dir);
void jdm_syslog_free(struct jdm_syslog *s);

extern const char *const jdm_syslog_owns[];
void jdm_syslog_validate(void *ctx, const struct cfg_tree *t, const struct cfg_diff *diff,
                         struct cfg_findings *fs);
int jdm_syslog_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                     struct cfg_findings *fs);
int jdm_syslog_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                        struct cfg_findings *fs);
void jdm_syslog_tick(void *ctx);

/* The rsyslog configuration of T's `system syslog` (what apply writes),
 * with STATE_DIR and LOG_DIR in its paths; NULL when T has no destination.
 * Caller frees. For the tests. */
char *jdm_syslog_rsyslog_conf(const struct cfg_tree *t, const char *state_dir, const char *log_dir);

#endif
