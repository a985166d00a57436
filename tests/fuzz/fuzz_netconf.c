/* libFuzzer target: the NETCONF subsystem's input path — RFC 6242 framing
 * (end-of-message, or chunked when the first byte is odd) fed in arbitrary
 * chunks, and every message it yields decoded as an RPC (nc_rpc_handle,
 * XML parse, operation dispatch, configuration XML against the JDM schema)
 * with no daemon behind it. Must never crash, leak, over-allocate or loop. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "nc_frame.h"
#include "nc_rpc.h"

static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nc_rpc *r;
	if (!r) {
		xmlSetGenericErrorFunc(NULL, quiet);
		r = nc_rpc_new(NULL, "jdm", 1);
	}
	if (!size)
		return 0;
	struct nc_frame_rx rx = {.max = 1u << 20};
	if (data[0] & 1)
		nc_frame_set_chunked(&rx);
	size_t i = 1;
	struct cfg_buf out = {0};
	while (i < size) {
		size_t chunk = 1 + (data[i] % 61);
		if (chunk > size - i)
			chunk = size - i;
		if (nc_frame_feed(&rx, data + i, chunk) < 0)
			break;
		i += chunk;
		char *msg;
		size_t len;
		int got;
		while ((got = nc_frame_next(&rx, &msg, &len)) == 1) {
			cfg_buf_reset(&out);
			nc_rpc_handle(r, msg, len, &out);
			free(msg);
		}
		if (got < 0)
			break;
	}
	cfg_buf_free(&out);
	nc_frame_rx_free(&rx);
	return 0;
}
