/* nfx_platform — the platform file: which Linux interface is behind each
 * port of the box (platform data, not operator configuration).
 *
 * STATE/platform.conf, written by `./nfx up` when it does not exist (an
 * existing file is never overwritten: the operator or a test may have
 * edited it), read by jdmd and jcpd (`--platform FILE`, default
 * STATE/platform.conf). One line per port:
 *
 *     NAME IFNAME [KEY VALUE]...
 *
 *     # comment (a `#` starts a comment anywhere on a line)
 *     ge-0/0/0  ge-0-0-0
 *     xe-0/0/12 xe-0-0-12
 *     sxe-0/0/0 sxe0 peer hsxe0
 *     hsxe0     hsxe0 vfs 8 vf-mode emulated
 *
 * Words are separated by blanks. NAME is the port's name on the box
 * (Junos style, up to 63 characters); IFNAME the Linux interface (1..15
 * characters of [A-Za-z0-9._-]). The KEY VALUE pairs are kept as written
 * for their readers (nfx_platform_get()); keys this module knows of:
 *     peer IFNAME   the port is cabled inside the appliance to IFNAME (the
 *                   sxe<->hsxe veth pairs `./nfx up` makes)
 *     cable patch   (with peer) no veth: the port and its peer are an OVS
 *                   patch-port pair (type patch, options:peer) on the two
 *                   bridges of the one ovs-vswitchd; `cable veth` (the
 *                   default) is the veth pair
 * Others (vfs, vf-mode, pci, ...) belong to their readers (sriov).
 * Malformed lines are rejected as "FILE:LINE: message": a line with only a
 * name, a key without a value, a duplicate NAME, IFNAME or key.
 *
 * Errors: NULL/-1 with cfg_err set (cfg_err.h).
 *
 * Ownership: nfx_platform_load()/_parse() return a table the caller frees
 * with nfx_platform_free() (NULL accepted); every string it hands out
 * belongs to the table and lives as long as it.
 */
#ifndef NFX_PLATFORM_H
#define NFX_PLATFORM_H

#include <stddef.h>

struct nfx_platform;

/* One port of the table (read-only for callers). */
struct nfx_platform_port {
	const char *name;   /* "ge-0/0/2" */
	const char *ifname; /* "ge-0-0-2" */
	size_t line;        /* line number in the file */
};

/* Parse the file at PATH. NULL with cfg_err "PATH:LINE: ..." (or the
 * reason it cannot be read). */
struct nfx_platform *nfx_platform_load(const char *path);
/* Parse LEN bytes of BUF; SOURCE names it in messages. */
struct nfx_platform *nfx_platform_parse(const char *buf, size_t len, const char *source);
void nfx_platform_free(struct nfx_platform *p);

/* The default table of the NFX250-style box (what `./nfx up` writes), as
 * text. Static. */
const char *nfx_platform_default_text(void);

/* Number of ports, and the I-th in file order (NULL past the end). */
size_t nfx_platform_count(const struct nfx_platform *p);
const struct nfx_platform_port *nfx_platform_at(const struct nfx_platform *p, size_t i);
/* The port named NAME / with interface IFNAME, or NULL. */
const struct nfx_platform_port *nfx_platform_find(const struct nfx_platform *p, const char *name);
const struct nfx_platform_port *nfx_platform_find_ifname(const struct nfx_platform *p,
                                                         const char *ifname);
/* The port whose `peer` is IFNAME (the sxe line of an hsxe interface), or
 * NULL. */
const struct nfx_platform_port *nfx_platform_peer_of(const struct nfx_platform *p,
                                                     const char *ifname);
/* The interface behind NAME, or NULL. */
const char *nfx_platform_ifname(const struct nfx_platform *p, const char *name);
/* The value of KEY on PORT's line, or NULL when the line has no KEY. */
const char *nfx_platform_get(const struct nfx_platform_port *port, const char *key);
/* The number of KEY VALUE pairs on PORT's line, and the I-th of them in
 * *KEY and *VALUE: 0, or -1 past the end (nothing set, no cfg_err). */
size_t nfx_platform_nkeys(const struct nfx_platform_port *port);
int nfx_platform_key_at(const struct nfx_platform_port *port, size_t i, const char **key,
                        const char **value);

#endif
