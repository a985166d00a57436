/* libFuzzer target: nfx_vici_decode on arbitrary bytes. Must never crash,
 * over-allocate or loop; what it accepts encodes back to a message that
 * decodes to the same value. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "nfx_vici.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *o = nfx_vici_decode(data, size);
	if (!o)
		return 0;
	uint8_t *b;
	size_t n;
	if (nfx_vici_encode(o, &b, &n) == 0) {
		json_t *again = nfx_vici_decode(b, n);
		if (!again || !json_equal(o, again))
			abort();
		json_decref(again);
		free(b);
	} else {
		abort(); /* a decoded message always encodes */
	}
	json_decref(o);
	return 0;
}
