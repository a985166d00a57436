/* cfg_proto — framing of the CLI ⇄ daemon unix socket (see cfg_proto.h).
 *
 * Frame: type (1 byte) | payload length (4 bytes, big endian) | payload.
 * The framing layer does not look at the type byte: the receiver checks it.
 */
#include "cfg_proto.h"
#include "cfg_err.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define HDR_LEN 5

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Write all of IOV (modified in place). Uses sendmsg(MSG_NOSIGNAL) so a
 * closed peer gives EPIPE instead of SIGPIPE; falls back to writev() when
 * FD is not a socket (a pipe in a test). */
static int write_all(int fd, struct iovec *iov, int iovcnt)
{
	int use_writev = 0;

	while (iovcnt > 0) {
		ssize_t n;
		if (iov->iov_len == 0) {
			iov++;
			iovcnt--;
			continue;
		}
		if (!use_writev) {
			struct msghdr mh = { .msg_iov = iov, .msg_iovlen = (size_t)iovcnt };
			n = sendmsg(fd, &mh, MSG_NOSIGNAL);
			if (n < 0 && errno == ENOTSOCK) {
				use_writev = 1;
				continue;
			}
		} else {
			n = writev(fd, iov, iovcnt);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE || errno == ECONNRESET)
				return cfg_err_set("connection closed by peer");
			return cfg_err_set("cannot send on the management socket: %s", strerror(errno));
		}
		size_t left = (size_t)n;
		while (iovcnt > 0 && left >= iov->iov_len) {
			left -= iov->iov_len;
			iov++;
			iovcnt--;
		}
		if (iovcnt > 0) {
			iov->iov_base = (char *)iov->iov_base + left;
			iov->iov_len -= left;
		}
	}
	return 0;
}

int cfg_proto_send(int fd, char type, const void *payload, size_t len)
{
	unsigned char hdr[HDR_LEN];

	if (len > CFG_PROTO_MAX)
		return cfg_err_set("message too large (%zu bytes, at most %u)", len, CFG_PROTO_MAX);
	if (len > 0 && !payload)
		return cfg_err_set("message payload missing");
	hdr[0] = (unsigned char)type;
	put_be32(hdr + 1, (uint32_t)len);
	struct iovec iov[2] = {
		{ .iov_base = hdr, .iov_len = HDR_LEN },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	return write_all(fd, iov, len ? 2 : 1);
}

/* Read exactly N bytes. Returns 0, 1 if EOF came before the first byte,
 * -1 on error or EOF in the middle (cfg_err set). */
static int read_all(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECONNRESET)
				return cfg_err_set("connection closed by peer");
			return cfg_err_set("cannot read from the management socket: %s", strerror(errno));
		}
		if (r == 0) {
			if (got == 0)
				return 1;
			return cfg_err_set("connection closed in the middle of a message");
		}
		got += (size_t)r;
	}
	return 0;
}

int cfg_proto_recv(int fd, char *type, char **payload, size_t *len)
{
	unsigned char hdr[HDR_LEN];
	int r;

	*payload = NULL;
	*len = 0;
	r = read_all(fd, hdr, HDR_LEN);
	if (r != 0)
		return r;
	uint32_t plen = get_be32(hdr + 1);
	if (plen > CFG_PROTO_MAX)
		return cfg_err_set("message too large (%u bytes, at most %u)", plen, CFG_PROTO_MAX);
	char *p = malloc((size_t)plen + 1);
	if (!p)
		return cfg_err_set("out of memory");
	r = read_all(fd, p, plen);
	if (r != 0) {
		free(p);
		if (r == 1)
			return cfg_err_set("connection closed in the middle of a message");
		return -1;
	}
	p[plen] = '\0';
	*type = (char)hdr[0];
	*payload = p;
	*len = plen;
	return 0;
}

/* Make room for at least NEED bytes in total. */
static int rx_reserve(struct cfg_proto_rx *rx, size_t need)
{
	if (need <= rx->cap)
		return 0;
	size_t cap = rx->cap ? rx->cap : 4096;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	unsigned char *nb = realloc(rx->buf, cap);
	if (!nb)
		return cfg_err_set("out of memory");
	rx->buf = nb;
	rx->cap = cap;
	return 0;
}

static size_t rx_limit(const struct cfg_proto_rx *rx)
{
	return rx->max && rx->max < CFG_PROTO_MAX ? rx->max : CFG_PROTO_MAX;
}

int cfg_proto_rx_feed(struct cfg_proto_rx *rx, const void *data, size_t n)
{
	if (n == 0)
		return 0;
	if (n > SIZE_MAX - rx->len)
		return cfg_err_set("message too large");
	size_t need = rx->len + n;
	/* Check the first frame's header as soon as it is complete; memory is
	   never reserved for what a header announces, only for what came. */
	if (need >= HDR_LEN) {
		unsigned char hdr[HDR_LEN];
		size_t from_buf = rx->len < HDR_LEN ? rx->len : HDR_LEN;
		if (from_buf)
			memcpy(hdr, rx->buf, from_buf);
		if (from_buf < HDR_LEN)
			memcpy(hdr + from_buf, data, HDR_LEN - from_buf);
		uint32_t plen = get_be32(hdr + 1);
		if (plen > rx_limit(rx))
			return cfg_err_set("message too large (%u bytes, at most %zu)", plen, rx_limit(rx));
	}
	if (rx_reserve(rx, need) < 0)
		return -1;
	memcpy(rx->buf + rx->len, data, n);
	rx->len += n;
	return 0;
}

int cfg_proto_rx_next(struct cfg_proto_rx *rx, char *type, char **payload, size_t *len)
{
	*payload = NULL;
	*len = 0;
	if (rx->len < HDR_LEN)
		return 0;
	uint32_t plen = get_be32(rx->buf + 1);
	if (plen > rx_limit(rx))
		return cfg_err_set("message too large (%u bytes, at most %zu)", plen, rx_limit(rx));
	size_t total = (size_t)plen + HDR_LEN;
	if (rx->len < total)
		return 0;
	char *p = malloc((size_t)plen + 1);
	if (!p)
		return cfg_err_set("out of memory");
	memcpy(p, rx->buf + HDR_LEN, plen);
	p[plen] = '\0';
	*type = (char)rx->buf[0];
	memmove(rx->buf, rx->buf + total, rx->len - total);
	rx->len -= total;
	/* Give back the memory of a big frame once it has been taken out. */
	if (rx->len == 0 && rx->cap > (1u << 20)) {
		free(rx->buf);
		rx->buf = NULL;
		rx->cap = 0;
	}
	*payload = p;
	*len = plen;
	return 1;
}

void cfg_proto_rx_free(struct cfg_proto_rx *rx)
{
	if (!rx)
		return;
	free(rx->buf);
	rx->buf = NULL;
	rx->len = rx->cap = 0;
}
