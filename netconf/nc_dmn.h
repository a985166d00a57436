/* nc_dmn — the NETCONF subsystem's connection to the management daemon.
 *
 * Owns the socket to jdmd or jcpd (cfg_proto.h) of one NETCONF session: the
 * HELLO (client=netconf), command lines run as a scripted CLI runs them
 * ('L', the output collected, ASKs answered), operational queries as data
 * ('Q' -> 'X') and events ('W' -> 'N', queued until the session takes
 * them). This process runs as the logged-in user, so the daemon learns the
 * user (and so the class and its permissions) from SO_PEERCRED: nothing
 * here decides what the user may do.
 *
 * Ownership: nc_dmn_open() returns a connection the caller frees with
 * nc_dmn_close() (accepts NULL).
 */
#ifndef NFX_NC_DMN_H
#define NFX_NC_DMN_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg_buf.h"

struct nc_dmn;

/* Connect to the daemon socket PATH and say HELLO. NULL with cfg_err set
 * (daemon not running, or it did not let the user in). */
struct nc_dmn *nc_dmn_open(const char *path);
void nc_dmn_close(struct nc_dmn *d);
int nc_dmn_fd(const struct nc_dmn *d);

/* Run the command LINE. INPUT (ILEN bytes, may be NULL) answers a
 * multi-line ASK (`load ... terminal`); a yes/no question is answered
 * "yes"; a file or password request is refused. The output goes to OUT.
 * Returns 0 (the command succeeded), 1 (it failed: the reason is in OUT),
 * -1 (the connection is lost, cfg_err set). */
int nc_dmn_run(struct nc_dmn *d, const char *line, const char *input, size_t ilen,
               struct cfg_buf *out);
/* An operational command LINE as data ('Q'): the reply's XML into OUT.
 * Returns like nc_dmn_run (on 1 OUT holds the error text). */
int nc_dmn_query(struct nc_dmn *d, const char *line, struct cfg_buf *out);
/* Subscribe to EVENTS (cfg_proto.h 'W'). 0 or -1. */
int nc_dmn_watch(struct nc_dmn *d, const char *events);
/* Read frames that arrived (the socket is readable): events are queued.
 * 0, or -1 when the connection ended. */
int nc_dmn_pump(struct nc_dmn *d);
/* The next queued event's XML (malloc'ed, caller frees), NULL if none. */
char *nc_dmn_next_event(struct nc_dmn *d);
/* After the last command the daemon's session is in configuration mode
 * (its prompt says so: `commit at` and a changed class leave it). */
bool nc_dmn_in_config(const struct nc_dmn *d);
/* The session ended on the daemon's side (DONE 'x'). */
bool nc_dmn_over(const struct nc_dmn *d);

#endif
