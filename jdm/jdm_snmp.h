/* jdm_snmp — SNMP for the NOC: Debian's snmpd as AgentX master and the nfx
 * subagent (snmp/, nfx-snmp-agent), both run and watched by jdmd in the
 * network namespace jdmd runs in; the "snmp" subsystem of jdmd (one row of
 * its registry, cfg_subsys.h, order 60).
 *
 * The row owns (jdm_snmp_owns) `snmp`, and `interfaces jmgmt0` for its
 * address (snmpd listens there; the accounts row sets it on jmgmt0):
 *   snmp name|description|location|contact   system group of snmpd
 *   snmp port N                              UDP port (default 161), on
 *                                            jmgmt0's address and 127.0.0.1
 *   snmp community C authorization read-only|read-write [clients [P...]]
 *   snmp v3 usm local-engine user U authentication-sha|authentication-sha256
 *        authentication-password P [privacy-aes128 privacy-password P]
 *        the passwords are never stored: the set stores the key derived
 *        from each (RFC 3414 A.2 password-to-key, the master key Ku, for
 *        SHA-1 and SHA-256: jdm_snmp_key_from_password, registered as the
 *        "snmp-key" transform of cli/cfg_xform.h); snmpd gets
 *        `createUser U SHA-256 -m 0xKU AES -m 0xKU` and localizes them
 *   snmp trap-group G version v1|v2|v3|all targets A... [destination-port N]
 *        [user U]: trap sinks, the group name as the trap community
 * snmpd's configuration is a file jdmd owns (STATE/snmp/snmpd.conf, 0600,
 * written from the committed tree), its AgentX master socket
 * STATE/snmp/agentx.sock; no `snmp` statement: no snmpd and no subagent.
 * A changed configuration restarts snmpd; the subagent stays and
 * reconnects (AgentX ping). The subagent runs as the snmpd package's user
 * (Debian-snmp) and jdmd lets that uid in as read-only (the daemon's
 * service identity, cfg_daemon_set_service_class), so its queries are a
 * read-only user's.
 *
 * Apply runs on the commit job's thread; tick (loop thread) restarts a
 * dead snmpd or subagent; a mutex keeps them apart (as jdm_ssh).
 *
 * Ownership: jdm_snmp_new() returns a handle freed with jdm_snmp_free(),
 * which stops snmpd and the subagent.
 */
#ifndef NFX_JDM_SNMP_H
#define NFX_JDM_SNMP_H

#include <stddef.h>

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_tree.h"

struct cfg_diff;
struct cfg_daemon;

struct jdm_snmp;

/* STATE_DIR: the daemon's state directory; SOCKET_PATH: the JDM socket the
 * subagent reads (JCP_SOCKET: jcpd's, may be NULL). Registers the
 * "snmp-key" transform and the subagent's read-only identity with D. */
struct jdm_snmp *jdm_snmp_new(struct cfg_daemon *d, const char *state_dir, const char *socket_path,
                              const char *jcp_socket);
void jdm_snmp_free(struct jdm_snmp *s);

extern const char *const jdm_snmp_owns[];

void jdm_snmp_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                       struct cfg_findings *fs);
int jdm_snmp_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                   struct cfg_findings *fs);
int jdm_snmp_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                      struct cfg_findings *fs);
void jdm_snmp_tick(void *ctx);

/* ---- pure parts (unit tests) ---- */

/* The stored form of a v3 password: "$nfx-ku$SHA1HEX$SHA256HEX" (the
 * RFC 3414 master keys for SHA-1 and SHA-256). *OUT malloc'ed. 0, or -1 with
 * cfg_err set (passwords shorter than 8 characters are refused, as
 * Net-SNMP and Junos do). */
int jdm_snmp_key_from_password(const char *password, char **out);
/* The hex master key for HASH ("sha1" or "sha256") of a stored key, in
 * HEX (at least 65 bytes). 0, or -1 when STORED is not one. */
int jdm_snmp_key_hex(const char *stored, const char *hash, char *hex, size_t n);
/* snmpd.conf text for the `snmp` tree of T into B. AGENTX: the master
 * socket path; PERSIST: snmpd's persistent directory. */
void jdm_snmp_conf(const struct cfg_tree *t, const char *agentx, struct cfg_buf *b);

#endif
