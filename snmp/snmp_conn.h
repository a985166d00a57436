/* snmp_conn — the subagent's connection to one daemon's socket (jdmd's or
 * jcpd's), as a data client of cli/cfg_proto.h: HELLO, a 'W' subscription
 * to events, and 'Q' queries whose 'X' answers (replies as data) arrive
 * asynchronously in order; 'N' events arrive between them. Reads never
 * block the subagent's one thread (the socket is non-blocking and frames
 * are decoded incrementally); frames out are small and sent at once.
 * When the daemon goes away (EOF, error) the connection reports it down
 * and snmp_conn_tick() connects again, once a second; the owner then
 * refreshes everything (up callback).
 *
 * Ownership: snmp_conn_new() copies its strings; callbacks get replies
 * they own (NULL for a query the daemon refused).
 */
#ifndef NFX_SNMP_CONN_H
#define NFX_SNMP_CONN_H

#include <stdbool.h>

#include "cfg_reply.h"

struct snmp_conn;

struct snmp_conn_cbs {
	void (*up)(void *arg, struct snmp_conn *c);                 /* connected (HELLO done) */
	void (*down)(void *arg, struct snmp_conn *c);
	void (*reply)(void *arg, struct snmp_conn *c, const char *key, struct cfg_reply *r);
	void (*event)(void *arg, struct snmp_conn *c, struct cfg_reply *ev);
};

/* PATH: the socket; WATCH: the events to subscribe to ("" all, NULL none). */
struct snmp_conn *snmp_conn_new(const char *path, const char *watch, const struct snmp_conn_cbs *cbs,
                                void *arg);
void snmp_conn_free(struct snmp_conn *c);

/* The socket to poll for reading, or -1 when not connected. */
int snmp_conn_fd(const struct snmp_conn *c);
bool snmp_conn_is_up(const struct snmp_conn *c);
/* Run CMD (an operational command with a reply) as data; its reply comes
 * to cbs.reply with KEY. Dropped when not connected or too many wait. */
void snmp_conn_query(struct snmp_conn *c, const char *key, const char *cmd);
/* Queries sent and not answered yet. */
unsigned snmp_conn_pending(const struct snmp_conn *c);
/* The socket is readable. */
void snmp_conn_input(struct snmp_conn *c);
/* Once a second: connect when down. */
void snmp_conn_tick(struct snmp_conn *c);

#endif
