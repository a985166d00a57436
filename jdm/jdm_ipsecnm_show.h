/* jdm_ipsecnm_show — the replies of ipsec-nm's operational commands, built
 * from what charon answers to VICI list-sas (an array of its list-sa
 * events, lib/nfx_vici.h) and the container's status; and their Junos text.
 *   show security ike security-associations [detail]
 *        <ike-security-associations-information>
 *   show security ipsec security-associations [detail]
 *        <ipsec-security-associations-information>
 *   show security ipsec statistics
 *        <usp-ipsec-total-statistics-information>
 * Every reply also holds <ipsec-nm-status> (container, ESP mode, charon) and
 * one <ipsec-nm-tunnel> per configured tunnel (up/down, why). The element
 * vocabulary is cli/schema/ops-jdm.xml's; /work/notes/ipsec-reply.md is the
 * contract with the tests. Pure: no I/O.
 *
 * Ownership: everything is borrowed; elements belong to the reply.
 */
#ifndef NFX_JDM_IPSECNM_SHOW_H
#define NFX_JDM_IPSECNM_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "cfg_buf.h"
#include "cfg_reply.h"

struct jdm_ipsecnm_status {
	const char *container;   /* running, stopped, disabled, config-only */
	const char *esp_mode;    /* kernel, userspace, NULL when unknown */
	const char *esp_desc;    /* jdm_charon_esp_name() */
	int pid;                 /* charon's, <= 0: none */
	unsigned restarts;
};

/* A configured tunnel's last known state. */
struct jdm_ipsecnm_tstate {
	const char *vpn, *ts, *gateway, *remote, *note;
	bool up;
	const char *reason; /* why down, may be NULL */
	time_t since;       /* last change, 0 unknown */
};

void jdm_ipsecnm_show_status(struct cfg_rel *root, const struct jdm_ipsecnm_status *st,
                             const struct jdm_ipsecnm_tstate *t, size_t n);
void jdm_ipsecnm_show_ike(struct cfg_rel *root, const json_t *sas);
void jdm_ipsecnm_show_ipsec(struct cfg_rel *root, const json_t *sas);
void jdm_ipsecnm_show_stats(struct cfg_rel *root, const json_t *sas);

/* Text renderers (cfg_reply_text_fn); ARG: a bool * "detail" or NULL. */
void jdm_ipsecnm_ike_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg);
void jdm_ipsecnm_ipsec_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg);
void jdm_ipsecnm_stats_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg);

/* ---- reading list-sas (also the row's tunnel tracking) */

/* Is child CHILD (its configured name) INSTALLED in SAS? */
bool jdm_ipsecnm_child_up(const json_t *sas, const char *child);
/* Does SAS hold an IKE SA (any state) of connection CONN? */
bool jdm_ipsecnm_ike_present(const json_t *sas, const char *conn);
/* The state ("ESTABLISHED", "CONNECTING", ...) of the first IKE SA of
 * connection CONN in SAS, its unique id in ID; NULL when none. */
const char *jdm_ipsecnm_ike_state(const json_t *sas, const char *conn, char *id, size_t n);
/* A charon "log" event MSG that says it retransmitted a request of an
 * established IKE SA (message ID > 1: a DPD or other INFORMATIONAL, not
 * IKE_SA_INIT/IKE_AUTH): the retransmit count (> 0), the IKE SA's
 * connection into IKE and unique id into ID. 0 for any other message. */
unsigned jdm_ipsecnm_retransmit(const json_t *msg, char *ike, size_t n, char *id, size_t idn);
/* Why an initiate failed, from its control-log events LOG (array of
 * {"msg": ...}) and its reply's errmsg ERRMSG (may be NULL), into BUF. */
void jdm_ipsecnm_failure_reason(const json_t *log, const char *errmsg, char *buf, size_t n);

#endif
