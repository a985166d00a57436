/* nfx_log — where the daemons' messages go.
 *
 * nfx_log_open(IDENT, STATE_DIR) decides once, from the environment:
 *   NFX_LOG=syslog  (the installed systemd units set it): syslog(3), ident
 *                   IDENT, with the pid: the journal and the system's syslog;
 *   otherwise       (./nfx up, the tests): stderr, "IDENT: message" lines,
 *                   which ./nfx up appends to STATE/IDENT.log.
 * In both cases every message is also handed to the appliance's syslog when
 * it runs: the rsyslogd that jdmd starts for `system syslog` (jdm_syslog.h)
 * listens on STATE/syslog/log (NFX_LOG_SOCKET), and nfx_log() sends it the
 * message as syslog(3) would (an RFC 3164 datagram, never blocking: nothing
 * listening costs one failed send).
 *
 * PRI is a syslog(3) priority, a level (LOG_ERR...) optionally or'ed with a
 * facility (LOG_LOCAL7...); no facility means LOG_DAEMON. Messages are one
 * line each (newlines become spaces for syslog). Thread-safe; callable
 * before nfx_log_open() (stderr, ident "nfx").
 */
#ifndef NFX_LOG_H
#define NFX_LOG_H

#include <stdarg.h>
#include <syslog.h>

#define NFX_LOG_SOCKET "syslog/log" /* below the state directory */

/* The syslog facilities of the Junos facilities nfx logs under (and that
 * `system syslog ... FACILITY LEVEL` selects, jdm_syslog.c). */
#define NFX_LOG_INTERACTIVE LOG_LOCAL7 /* interactive-commands: UI_COMMIT... */
#define NFX_LOG_CHANGE LOG_LOCAL6      /* change-log */

/* IDENT and STATE_DIR are copied; STATE_DIR may be NULL (no appliance syslog). */
void nfx_log_open(const char *ident, const char *state_dir);
void nfx_log(int pri, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nfx_logv(int pri, const char *fmt, va_list ap);
/* Does nfx_log() write to syslog(3) (true) or stderr (false)? */
int nfx_log_to_syslog(void);

#endif
