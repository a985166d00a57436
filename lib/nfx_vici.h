/* nfx_vici — a client of strongSwan's VICI protocol (charon's control
 * socket), shared by jdmd's IPsec subsystems (jdm_ipsecnm, jdm_l2ext).
 *
 * Why written here: Debian 12 ships libvici.so only as a private library of
 * charon (/usr/lib/ipsec, no header, no pkg-config file), so nfx speaks the
 * documented wire protocol itself (strongSwan's src/libcharon/plugins/vici/
 * README.md): a 32-bit big-endian length, then packets of type CMD_REQUEST,
 * CMD_RESPONSE, CMD_UNKNOWN, EVENT_REGISTER, EVENT_UNREGISTER,
 * EVENT_CONFIRM, EVENT_UNKNOWN and EVENT; messages are SECTION_START /
 * SECTION_END / KEY_VALUE / LIST_START / LIST_ITEM / LIST_END elements.
 *
 * Messages are jansson values, both ways: a section is a JSON object, a
 * key-value a JSON string (values that are not UTF-8 are refused on encode
 * and carried as-is, with json_stringn_nocheck, on decode), a list a JSON
 * array of strings. On encode, an integer is also taken (decimal) and
 * true/false (as "yes"/"no"). Timeouts: a negative TIMEOUT_MS waits without
 * limit; a command that times out breaks the connection (its late answer
 * would be taken for the next one's): reconnect. Key order is kept (jansson keeps insertion order).
 *
 * Secrets (a pre-shared key in load-shared) pass through here; this module
 * never logs a message body.
 *
 * Threads: a connection is used by one thread at a time.
 * Ownership: a connection is freed with nfx_vici_close(); replies and events
 * returned through out-parameters belong to the caller (json_decref);
 * arguments are borrowed.
 */
#ifndef NFX_VICI_H
#define NFX_VICI_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define NFX_VICI_MAX_MSG (512u * 1024u) /* larger packets are a protocol error */

/* ---- messages (pure; fuzzed) */

/* Encode OBJ (a JSON object whose members are objects, strings or arrays of
 * strings) as a VICI message. Caller frees *OUT. 0, or -1 (cfg_err set). */
int nfx_vici_encode(const json_t *obj, uint8_t **out, size_t *len);
/* Decode a VICI message of LEN bytes into a new JSON object. NULL on a
 * malformed message (cfg_err set: what and at which offset). */
json_t *nfx_vici_decode(const uint8_t *buf, size_t len);

/* ---- a connection */

struct nfx_vici;

/* Connect to the unix socket PATH, trying for up to TIMEOUT_MS (charon may
 * still be starting). NULL with cfg_err set. */
struct nfx_vici *nfx_vici_connect(const char *path, int timeout_ms);
void nfx_vici_close(struct nfx_vici *v); /* accepts NULL */

/* Send command CMD with ARGS (an object, or NULL for none) and wait up to
 * TIMEOUT_MS for its response, returned in *REPLY. 0, or -1 with cfg_err
 * set (transport, timeout, CMD_UNKNOWN). The reply's "success" is not
 * checked: see nfx_vici_ok(). */
int nfx_vici_call(struct nfx_vici *v, const char *cmd, const json_t *args, json_t **reply,
                  int timeout_ms);

/* A streamed command (list-sas/list-sa, list-conns/list-conn, initiate/
 * control-log...): register EVENT, send CMD, collect every EVENT message
 * that arrives before the response into the new array *EVENTS, unregister.
 * 0 or -1 as nfx_vici_call(). */
int nfx_vici_call_stream(struct nfx_vici *v, const char *cmd, const char *event,
                         const json_t *args, json_t **events, json_t **reply, int timeout_ms);

/* Subscriptions for a connection kept open for events ("ike-updown",
 * "child-updown", "ike-rekey"...): register EVENT (0, or -1 with cfg_err);
 * then, when nfx_vici_fd() is readable, nfx_vici_read_event() returns 1 with
 * the event's *NAME (caller frees) and *MSG, 0 when none arrived within
 * TIMEOUT_MS, -1 on a broken connection (cfg_err set). */
int nfx_vici_register(struct nfx_vici *v, const char *event);
int nfx_vici_fd(const struct nfx_vici *v);
int nfx_vici_read_event(struct nfx_vici *v, char **name, json_t **msg, int timeout_ms);
/* Events already read and held back (they arrived while a command waited
 * for its response): the fd does not become readable for them, so drain
 * with nfx_vici_read_event(v, .., 0) while this is non-zero. */
size_t nfx_vici_pending(const struct nfx_vici *v);

/* 0 when REPLY says success=yes; else -1 with cfg_err set to the reply's
 * errmsg (strongSwan's reason, as it gives it) or "no reason given". */
int nfx_vici_ok(const json_t *reply);

#endif
