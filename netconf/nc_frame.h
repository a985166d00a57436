/* nc_frame — RFC 6242 message framing of the NETCONF subsystem.
 *
 * Owns the byte level of a NETCONF session: splitting what the client
 * sends into messages, end-of-message framing (base:1.0, messages end with
 * "]]>]]>") until both sides said base:1.1 in <hello>, chunked framing
 * ("\n#LEN\n" chunks, "\n##\n" ends a message) after that; and encoding the
 * replies the same way.
 *
 * Why hand-written (not libnetconf2): libnetconf2's server (nc_accept_inout)
 * validates every RPC and reply against YANG modules in its libyang
 * context and hands the server only RPCs its modules define; the Junos XML
 * RPCs PyEZ and Ansible send (get-configuration, load-configuration,
 * <command>, ...) have no public YANG, and a configuration reply must be
 * exactly what `show configuration | display xml` prints. So the framing
 * (this module, ~150 lines) and the RPC layer (nc_rpc.h, on libxml2) are
 * ours; the YANG we emit (nc_yang.h) is checked with libyang's yanglint.
 *
 * Bounds: a message is at most NC_FRAME_MAX bytes; a longer one (or broken
 * framing) is an error and the session closes, as RFC 6242 says for
 * framing errors. Memory follows the bytes received.
 *
 * Ownership: struct nc_frame_rx owns its buffers (nc_frame_rx_free).
 */
#ifndef NFX_NC_FRAME_H
#define NFX_NC_FRAME_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg_buf.h"

#define NC_FRAME_MAX (32u << 20)

struct nc_frame_rx {
	char *buf;        /* received bytes not yet consumed: [off, len) */
	size_t len, cap, off;
	size_t scan;      /* EOM: bytes from off already searched for the marker */
	bool chunked;     /* base:1.1 framing */
	size_t max;       /* 0: NC_FRAME_MAX */
	struct cfg_buf msg; /* chunked: the message assembled so far */
};

/* Append N received bytes. 0, or -1 (cfg_err set) out of bounds. */
int nc_frame_feed(struct nc_frame_rx *rx, const void *data, size_t n);
/* The next whole message: 1 (*MSG malloc'ed, NUL-terminated, *LEN bytes;
 * caller frees), 0 need more bytes, -1 broken framing or too big (cfg_err
 * set; the session must close). */
int nc_frame_next(struct nc_frame_rx *rx, char **msg, size_t *len);
/* Switch to chunked framing (after the hello exchange settled base:1.1). */
void nc_frame_set_chunked(struct nc_frame_rx *rx);
void nc_frame_rx_free(struct nc_frame_rx *rx);

/* Append MSG (LEN bytes) framed to OUT: chunked or end-of-message. */
void nc_frame_encode(struct cfg_buf *out, bool chunked, const char *msg, size_t len);

#endif
