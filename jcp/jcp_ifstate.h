/* jcp_ifstate — the state of the box's Linux interfaces, read over
 * rtnetlink (RTM_GETLINK dump of the namespace jcpd runs in): admin state
 * (IFF_UP), link (IFF_LOWER_UP / IFLA_OPERSTATE), ifindex, MTU, MAC and the
 * kernel's counters (IFLA_STATS64). What `show interfaces` reports for the
 * ports behind the platform file's interfaces.
 *
 * Errors: NULL with cfg_err set (cfg_err.h).
 *
 * Ownership: jcp_ifstate_dump() returns a table the caller frees with
 * jcp_ifstate_free() (NULL accepted); entries belong to it.
 */
#ifndef NFX_JCP_IFSTATE_H
#define NFX_JCP_IFSTATE_H

#include <stdbool.h>
#include <stdint.h>

struct jcp_ifstate {
	char name[16];
	int ifindex;
	bool admin_up;  /* IFF_UP */
	bool link_up;   /* carrier: IFF_LOWER_UP and operstate not down */
	unsigned mtu;
	char mac[18];   /* "aa:bb:cc:dd:ee:ff", "" when none */
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_errors, tx_errors, rx_dropped, tx_dropped;
};

struct jcp_ifstate_tab;

/* Every link of the current network namespace. */
struct jcp_ifstate_tab *jcp_ifstate_dump(void);
void jcp_ifstate_free(struct jcp_ifstate_tab *t);
/* The link named NAME, or NULL. */
const struct jcp_ifstate *jcp_ifstate_find(const struct jcp_ifstate_tab *t, const char *name);

#endif
