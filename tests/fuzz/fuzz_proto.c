/* libFuzzer target: the daemon's frame decoder fed arbitrary bytes in
 * arbitrary chunks. Must never crash, over-allocate or loop. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cfg_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_proto_rx rx = {0};
	size_t i = 0;
	while (i < size) {
		size_t chunk = 1 + (data[i] % 17);
		if (chunk > size - i)
			chunk = size - i;
		if (cfg_proto_rx_feed(&rx, data + i, chunk) < 0)
			break;
		i += chunk;
		char type;
		char *payload;
		size_t len;
		int r;
		while ((r = cfg_proto_rx_next(&rx, &type, &payload, &len)) == 1)
			free(payload);
		if (r < 0)
			break;
	}
	cfg_proto_rx_free(&rx);
	return 0;
}
