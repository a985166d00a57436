/* nc_frame — RFC 6242 framing. See nc_frame.h. */
#include "nc_frame.h"

#include <stdlib.h>
#include <string.h>

#include "cfg_err.h"

#define EOM "]]>]]>"
#define EOM_LEN 6

static size_t rx_max(const struct nc_frame_rx *rx) { return rx->max ? rx->max : NC_FRAME_MAX; }

int nc_frame_feed(struct nc_frame_rx *rx, const void *data, size_t n)
{
	if (rx->off && rx->off >= rx->len / 2) {
		memmove(rx->buf, rx->buf + rx->off, rx->len - rx->off);
		rx->len -= rx->off;
		rx->off = 0;
	}
	if (rx->len - rx->off + n > rx_max(rx) + 64)
		return cfg_err_set("message larger than %zu bytes", rx_max(rx));
	if (rx->len + n + 1 > rx->cap) {
		size_t c = rx->cap ? rx->cap : 4096;
		while (c < rx->len + n + 1)
			c *= 2;
		char *p = realloc(rx->buf, c);
		if (!p)
			return cfg_err_set("out of memory");
		rx->buf = p;
		rx->cap = c;
	}
	memcpy(rx->buf + rx->len, data, n);
	rx->len += n;
	return 0;
}

void nc_frame_set_chunked(struct nc_frame_rx *rx) { rx->chunked = true; }

void nc_frame_rx_free(struct nc_frame_rx *rx)
{
	if (!rx)
		return;
	free(rx->buf);
	cfg_buf_free(&rx->msg);
	memset(rx, 0, sizeof *rx);
}

static int next_eom(struct nc_frame_rx *rx, char **msg, size_t *len)
{
	const char *p = rx->buf + rx->off;
	size_t have = rx->len - rx->off;
	size_t from = rx->scan > EOM_LEN ? rx->scan - EOM_LEN : 0;
	const char *m = have >= EOM_LEN ? memmem(p + from, have - from, EOM, EOM_LEN) : NULL;
	if (!m) {
		rx->scan = have;
		if (have > rx_max(rx))
			return cfg_err_set("message larger than %zu bytes", rx_max(rx));
		return 0;
	}
	size_t l = (size_t)(m - p);
	char *out = malloc(l + 1);
	if (!out)
		return cfg_err_set("out of memory");
	memcpy(out, p, l);
	out[l] = '\0';
	rx->off += l + EOM_LEN;
	rx->scan = 0;
	*msg = out;
	*len = l;
	return 1;
}

/* Chunked (RFC 6242 4.2): chunk = LF HASH chunk-size LF data;
 * end-of-chunks = LF HASH HASH LF; chunk-size 1..4294967295, no leading 0. */
static int next_chunked(struct nc_frame_rx *rx, char **msg, size_t *len)
{
	for (;;) {
		const char *p = rx->buf + rx->off;
		size_t have = rx->len - rx->off;
		if (have < 4)
			return 0;
		if (p[0] != '\n' || p[1] != '#')
			return cfg_err_set("broken chunked framing");
		if (p[2] == '#') {
			if (p[3] != '\n')
				return cfg_err_set("broken chunked framing");
			rx->off += 4;
			if (!rx->msg.len)
				return cfg_err_set("empty chunked message");
			*len = rx->msg.len;
			*msg = cfg_buf_steal(&rx->msg);
			cfg_buf_init(&rx->msg);
			return 1;
		}
		if (p[2] < '1' || p[2] > '9')
			return cfg_err_set("broken chunked framing");
		size_t i = 2;
		unsigned long long n = 0;
		while (i < have && i < 13 && p[i] >= '0' && p[i] <= '9')
			n = n * 10 + (unsigned)(p[i++] - '0');
		if (i >= have)
			return i >= 13 ? cfg_err_set("broken chunked framing") : 0;
		if (p[i] != '\n' || n > 4294967295ull)
			return cfg_err_set("broken chunked framing");
		if (rx->msg.len + n > rx_max(rx))
			return cfg_err_set("message larger than %zu bytes", rx_max(rx));
		if (have - i - 1 < n)
			return 0;
		cfg_buf_add(&rx->msg, p + i + 1, (size_t)n);
		rx->off += i + 1 + (size_t)n;
	}
}

int nc_frame_next(struct nc_frame_rx *rx, char **msg, size_t *len)
{
	return rx->chunked ? next_chunked(rx, msg, len) : next_eom(rx, msg, len);
}

void nc_frame_encode(struct cfg_buf *out, bool chunked, const char *msg, size_t len)
{
	if (!chunked) {
		cfg_buf_add(out, msg, len);
		cfg_buf_puts(out, EOM);
		return;
	}
	if (len)
		cfg_buf_printf(out, "\n#%zu\n", len);
	cfg_buf_add(out, msg, len);
	cfg_buf_puts(out, "\n##\n");
}
