/* nfx-netconf — the `netconf` SSH subsystem of the appliance.
 *
 *   nfx-netconf [--socket PATH] [--target jdm|jcp]
 *   nfx-netconf --yang nfx-jdm|nfx-jcp     (print the YANG module, nc_yang.h)
 *
 * sshd runs it as the logged-in user (jdm_ssh.c: `Subsystem netconf`, port
 * 830 by `system services netconf ssh`); it speaks NETCONF (RFC 6241/6242)
 * on standard input/output and talks to the daemon over its socket, where
 * SO_PEERCRED gives the daemon the user and so the class. Owns only the
 * session's loop: hello exchange, framing (nc_frame.h), one RPC at a time
 * (nc_rpc.h), notifications between replies. The NETCONF session-id is this
 * process's pid: the pid the daemon sees for the session, and the one a
 * lock-denied error reports for the holder.
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "cfg_err.h"
#include "nc_dmn.h"
#include "nc_frame.h"
#include "nc_rpc.h"
#include "nc_yang.h"

#define DEFAULT_SOCKET "/run/nfx/jdm.sock"
#define HELLO_TIMEOUT 60 /* seconds */

static int write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* MSG framed: the frame's head and tail written around it (a big reply is
 * not copied to be framed). */
static int send_msg(bool chunked, const char *msg, size_t len)
{
	char head[32];
	int hl = chunked ? snprintf(head, sizeof head, "\n#%zu\n", len) : 0;
	const char *tail = chunked ? "\n##\n" : "]]>]]>";
	if (chunked && !len)
		hl = 0; /* no empty chunk: the end-of-chunks alone */
	if (hl > 0 && write_all(head, (size_t)hl) < 0)
		return -1;
	if (write_all(msg, len) < 0)
		return -1;
	return write_all(tail, strlen(tail));
}

static int flush_notifications(struct nc_rpc *r, bool chunked)
{
	struct cfg_buf n = {0};
	int rc = 0;
	while (rc == 0 && nc_rpc_notification(r, &n)) {
		rc = send_msg(chunked, n.p, n.len);
		cfg_buf_reset(&n);
	}
	cfg_buf_free(&n);
	return rc;
}

static void usage(FILE *f)
{
	fputs("usage: nfx-netconf [--socket PATH] [--target jdm|jcp] | --yang MODULE\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 's'},
		{"target", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{"yang", required_argument, NULL, 'y'},
		{NULL, 0, NULL, 0},
	};
	const char *path = getenv("NFX_SOCKET"), *target = NULL;
	int o;
	while ((o = getopt_long(argc, argv, "s:t:h", opts, NULL)) != -1) {
		switch (o) {
		case 's': path = optarg; break;
		case 't': target = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'y': {
			struct cfg_buf y = {0};
			if (nc_yang_module(optarg, &y) < 0) {
				fprintf(stderr, "nfx-netconf: no module %s\n", optarg);
				return 2;
			}
			fwrite(y.p, 1, y.len, stdout);
			cfg_buf_free(&y);
			return 0;
		}
		default: usage(stderr); return 2;
		}
	}
	if (!path || !*path)
		path = DEFAULT_SOCKET;
	if (!target)
		target = strstr(path, "jcp.sock") ? "jcp" : "jdm";
	signal(SIGPIPE, SIG_IGN);
	/* one short-lived process per session that parses and builds
	   megabytes at a time: keep big blocks on the heap (no mmap/munmap
	   and fresh page faults for every large buffer and DOM) */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 128 << 20);
	mallopt(M_TOP_PAD, 8 << 20);
	xmlInitParser();

	struct nc_dmn *d = nc_dmn_open(path);
	if (!d) {
		fprintf(stderr, "nfx-netconf: %s\n", cfg_err_msg());
		return 2;
	}
	struct nc_rpc *r = nc_rpc_new(d, target, (unsigned)getpid());
	struct cfg_buf out = {0};
	nc_rpc_hello(r, &out);
	if (send_msg(false, out.p, out.len) < 0) {
		nc_rpc_free(r);
		return 1;
	}
	struct nc_frame_rx rx = {0};
	bool hello = false, chunked = false, done = false;
	int status = 0;
	char buf[65536];
	/* a client that never says <hello> is dropped, as the daemon drops a
	   connection that never says HELLO */
	time_t hello_by = time(NULL) + HELLO_TIMEOUT;
	while (!done) {
		struct pollfd pf[2] = {{STDIN_FILENO, POLLIN, 0}, {nc_dmn_fd(d), POLLIN, 0}};
		int wait = -1;
		if (!hello) {
			time_t left = hello_by - time(NULL);
			if (left <= 0) {
				fprintf(stderr, "nfx-netconf: no <hello> within %d s\n", HELLO_TIMEOUT);
				status = 1;
				break;
			}
			wait = (int)left * 1000;
		}
		int pr = poll(pf, 2, wait);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pr == 0)
			continue;
		if (pf[1].revents) {
			if (nc_dmn_pump(d) < 0)
				break; /* the daemon ended the session */
			if (flush_notifications(r, chunked) < 0)
				break;
		}
		if (!pf[0].revents)
			continue;
		ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the client went away: whatever it started has ended */
		if (nc_frame_feed(&rx, buf, (size_t)n) < 0) {
			fprintf(stderr, "nfx-netconf: %s\n", cfg_err_msg());
			status = 1;
			break;
		}
		for (;;) {
			char *msg;
			size_t len;
			int got = nc_frame_next(&rx, &msg, &len);
			if (got < 0) {
				/* RFC 6242: a framing error ends the session */
				fprintf(stderr, "nfx-netconf: %s\n", cfg_err_msg());
				status = 1;
				done = true;
				break;
			}
			if (got == 0)
				break;
			if (!hello) {
				if (nc_rpc_client_hello(r, msg, len, &chunked) < 0) {
					fprintf(stderr, "nfx-netconf: the first message was not a valid <hello>\n");
					free(msg);
					status = 1;
					done = true;
					break;
				}
				hello = true;
				if (chunked)
					nc_frame_set_chunked(&rx);
				free(msg);
				continue;
			}
			cfg_buf_reset(&out);
			int end = nc_rpc_handle(r, msg, len, &out);
			free(msg);
			if (out.len && send_msg(chunked, out.p, out.len) < 0) {
				done = true;
				break;
			}
			if (flush_notifications(r, chunked) < 0 || end) {
				done = true;
				break;
			}
		}
	}
	cfg_buf_free(&out);
	nc_frame_rx_free(&rx);
	nc_rpc_free(r);
	xmlCleanupParser();
	return status;
}
