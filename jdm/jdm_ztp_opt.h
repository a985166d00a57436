/* jdm_ztp_opt — what a DHCP lease tells zero-touch provisioning: the
 * decoding of the options into an offer, and the bootstrap URLs it names.
 * Pure functions (no I/O), unit-tested (tests/unit/test_jdm_ztp_opt.c).
 *
 * The lease is the text udhcpc's script (jdm_ztp.c) writes: one KEY=VALUE
 * per line, as busybox udhcpc exports them: ip, mask, router, serverid,
 * siaddr, tftp (option 66, text) and every other option as optNN=HEX
 * (opt43, opt143, opt150).
 *
 * Option 43 (vendor-specific, Juniper's ZTP sub-options), TLVs of a 1-byte
 * code and a 1-byte length:
 *   0  image file name (software image: recorded, not installed)
 *   1  configuration file name (a path on the server, or a whole URL);
 *      a "#sha256=HEX" fragment is recorded and must match, but is never
 *      enough on its own: the configuration must still carry a valid
 *      signature (jdm_ztp_fetch.h)
 *   3  transfer mode: "https" (default), "http", "tftp" (the last two only
 *      where `system ztp allow-unsigned` allows them; jdm_ztp.c decides)
 * The server is option 150 (TFTP server address, 4-byte IPv4 list), else
 * option 66 (TFTP server name), else the DHCP server (siaddr, serverid).
 * Option 143 (RFC 8572 sZTP bootstrap server list): URIs, each a 2-byte
 * big-endian length and the URI; tried before option 43's URL.
 *
 * Ownership: no allocation; every string is copied into fixed buffers of
 * struct jdm_ztp_offer (over-long values make the option invalid).
 */
#ifndef NFX_JDM_ZTP_OPT_H
#define NFX_JDM_ZTP_OPT_H

#include <stddef.h>
#include <stdint.h>

#define JDM_ZTP_MAX_URLS 4
#define JDM_ZTP_URL_MAX 512

struct jdm_ztp_offer {
	char ip[16];                /* the leased address, "" when none */
	unsigned mask;              /* its prefix length */
	char router[16];
	char dhcp_server[16];       /* serverid, else siaddr */
	char image[256];            /* option 43 sub-option 0 */
	char config[JDM_ZTP_URL_MAX]; /* option 43 sub-option 1, fragment removed */
	char mode[16];              /* option 43 sub-option 3, "" when absent */
	char sha256[65];            /* "#sha256=" of sub-option 1, "" when absent */
	char server[256];           /* option 150 / 66 / DHCP server */
	size_t n_uris;              /* option 143 */
	char uris[JDM_ZTP_MAX_URLS][JDM_ZTP_URL_MAX];
	char error[160];            /* why an option was ignored, "" when all decoded */
};

/* HEX (even number of hex digits, nothing else) into OUT (CAP bytes);
 * the length in *LEN. 0 or -1. */
int jdm_ztp_opt_unhex(const char *hex, uint8_t *out, size_t cap, size_t *len);
/* Option 43's sub-options P (N bytes) into O (image, config, sha256, mode).
 * 0, or -1 (cfg_err says why: truncated TLV, a value with control
 * characters, a bad hash) with O's fields of this option left empty. */
int jdm_ztp_opt_43(const uint8_t *p, size_t n, struct jdm_ztp_offer *o);
/* Option 143's URI list P (N bytes) into O->uris. 0 or -1 (cfg_err). */
int jdm_ztp_opt_143(const uint8_t *p, size_t n, struct jdm_ztp_offer *o);
/* The whole lease TEXT into O (zeroed first). A bad option is skipped and
 * said in O->error; returns 0 when the lease has an address, else -1. */
int jdm_ztp_opt_lease(const char *text, struct jdm_ztp_offer *o);
/* The configuration URLs to try, in order, into URLS (at most MAX): each
 * option 143 URI, then the URL of option 43 (sub-option 1 as it is when it
 * holds "://", else MODE://SERVER/NAME). The number of URLs. */
size_t jdm_ztp_opt_urls(const struct jdm_ztp_offer *o, char urls[][JDM_ZTP_URL_MAX], size_t max);

#endif
