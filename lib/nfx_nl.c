/* nfx_nl — one netlink request and its answers; see nfx_nl.h. */
#include "nfx_nl.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

uint32_t nfx_nl_seq(void)
{
	static _Thread_local uint32_t seq;
	if (!seq)
		seq = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 12);
	return ++seq;
}

int nfx_nl_talk(int bus, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	/* MNL_SOCKET_BUFFER_SIZE is a sysconf() call; dumps fit 8 KiB reads */
	static _Thread_local char rb[8192];
	struct mnl_socket *nl = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!nl)
		return errno ? -errno : -EPROTONOSUPPORT;
	int rc = 0;
	struct timeval tv = {NFX_NL_TIMEOUT_S, 0};
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		goto out;
	}
	if (!nlh->nlmsg_seq)
		nlh->nlmsg_seq = nfx_nl_seq();
	unsigned portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
		goto out;
	}
	for (;;) {
		ssize_t r = mnl_socket_recvfrom(nl, rb, sizeof rb);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		/* an NLMSG_ERROR with a code is -1/errno; the ACK (code 0) and
		   NLMSG_DONE are MNL_CB_STOP */
		int cr = mnl_cb_run(rb, (size_t)r, nlh->nlmsg_seq, portid, cb, data);
		if (cr == MNL_CB_ERROR) {
			rc = errno ? -errno : -EPROTO;
			break;
		}
		if (cr == MNL_CB_STOP)
			break;
	}
out:
	mnl_socket_close(nl);
	return rc;
}
