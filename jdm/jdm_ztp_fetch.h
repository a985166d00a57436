/* jdm_ztp_fetch — the transfers and trust checks of zero-touch
 * provisioning: libcurl for the transfer, OpenSSL for the device identity
 * and the signature (no hand-written TLS or crypto).
 *
 * Transfer (jdm_ztp_get*): HTTPS with the server's certificate checked
 * against the trust anchor only (CURLOPT_CAINFO = the anchor, no system
 * CAs, host name/IP checked) and the device identity presented as the TLS
 * client certificate (the admission step: the server answers 403 to a box
 * it does not admit). http:// and tftp:// only when the caller allows
 * unsigned transfer (ALLOW_PLAIN). No redirects. Bounded size and time.
 *
 * Signature (jdm_ztp_verify): a detached CMS (PKCS#7) signature, DER or
 * PEM, as `openssl cms -sign -binary -in FILE -signer S.pem -inkey S.key
 * -outform DER` makes it; the signer's certificate (in the signature) must
 * chain to the trust anchor. A hash alone (a DHCP option) is never accepted
 * instead.
 *
 * Device identity (jdm_ztp_identity): DIR/device.key (EC P-256, 0600, made
 * at first start), DIR/serial (the box's serial number, made with it),
 * DIR/device.csr (CN = the serial), DIR/device.crt (the certificate the
 * provisioning side signed, installed by `./nfx ztp-identity --install`).
 *
 * Ownership: buffers filled are the caller's (cfg_buf); strings copied.
 * Every function returns 0 or -1 with cfg_err set (a reason for `show
 * system ztp`).
 */
#ifndef NFX_JDM_ZTP_FETCH_H
#define NFX_JDM_ZTP_FETCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg_buf.h"

struct jdm_ztp_tls {
	const char *anchor;   /* CA certificate file (PEM) */
	const char *cert;     /* client certificate (PEM), NULL: none presented */
	const char *key;      /* its private key (PEM) */
	bool allow_plain;     /* http:// and tftp:// allowed */
	long timeout_s;       /* whole transfer */
	const atomic_bool *cancel; /* set: the transfer under way stops (may be NULL) */
};

/* Once per process, before threads use libcurl. */
int jdm_ztp_fetch_init(void);

/* URL into BODY (at most MAX bytes). */
int jdm_ztp_get(const struct jdm_ztp_tls *t, const char *url, size_t max, struct cfg_buf *body);
/* URL into the new file PATH (0600, at most MAX bytes; removed on any
 * failure); its sha256 (64 hex digits) into HEX. */
int jdm_ztp_get_file(const struct jdm_ztp_tls *t, const char *url, uint64_t max, const char *path,
                     char hex[65]);

/* DATA (LEN) against the detached CMS signature SIG (SLEN, DER or PEM),
 * whose signer must chain to the certificate(s) in ANCHOR. The signer's
 * subject into SIGNER (N), when SIGNER. */
int jdm_ztp_verify(const char *anchor, const void *data, size_t len, const void *sig, size_t slen,
                   char *signer, size_t n);

/* sha256 of DATA as 64 hex digits. */
void jdm_ztp_sha256_hex(const void *data, size_t len, char hex[65]);
/* ... of the file PATH. */
int jdm_ztp_sha256_file(const char *path, char hex[65]);

/* Make the device identity in DIR if missing (see above): the serial into
 * SERIAL (N). */
int jdm_ztp_identity(const char *dir, char *serial, size_t n);
/* The subject and issuer of the certificate file PATH, one line into BUF. */
int jdm_ztp_cert_describe(const char *path, char *buf, size_t n);

#endif
