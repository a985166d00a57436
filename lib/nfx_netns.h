/* nfx_netns — is this process in a network namespace that nfx or a test
 * made (`ip netns add`: a bind mount under /run/netns), rather than the
 * machine's own?
 *
 * Everything jdmd puts on a network (Open vSwitch, the internal VNF
 * network, the ZTP DHCP client) is started only inside such a namespace.
 * The answer fails closed: when the namespace cannot be compared (no
 * /run/netns, an unreadable /proc entry) it is "not ours". Comparing with
 * /proc/1/ns/net instead is not enough: PID 1's namespace may be unreadable
 * (a sandboxed init), which made that test answer "not the host's" here.
 * An installed appliance that runs in the box's own namespace on purpose
 * sets NFX_ALLOW_HOST_NETNS=1 (the systemd unit). */
#ifndef NFX_NETNS_H
#define NFX_NETNS_H

#include <stdbool.h>

/* True when /proc/self/ns/net is one of /run/netns/NAME. */
bool nfx_netns_own(void);

/* nfx_netns_own(), or NFX_ALLOW_HOST_NETNS is set (non-empty, not "0"). */
bool nfx_netns_may_network(void);

#endif
