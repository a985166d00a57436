/* vnfimg_hash — small streaming SHA-256 and MD5 for image checksums.
 *
 * The contexts are plain structs owned by the caller (stack is fine); no
 * function allocates. init → update (any number of times, any sizes) →
 * final. After final the context must be re-initialised before reuse.
 */
#ifndef NFX_VNFIMG_HASH_H
#define NFX_VNFIMG_HASH_H

#include <stddef.h>
#include <stdint.h>

#define VNFIMG_HASH_SHA256_LEN 32
#define VNFIMG_HASH_MD5_LEN 16
/* Longest hex digest plus NUL. */
#define VNFIMG_HASH_HEX_MAX (2 * VNFIMG_HASH_SHA256_LEN + 1)

struct vnfimg_hash_sha256 {
	uint32_t h[8];
	uint64_t len;      /* bytes hashed so far */
	uint8_t buf[64];
	size_t fill;       /* bytes in buf */
};

struct vnfimg_hash_md5 {
	uint32_t h[4];
	uint64_t len;
	uint8_t buf[64];
	size_t fill;
};

enum vnfimg_hash_algo {
	VNFIMG_HASH_SHA256,
	VNFIMG_HASH_MD5,
};

void vnfimg_hash_sha256_init(struct vnfimg_hash_sha256 *c);
void vnfimg_hash_sha256_update(struct vnfimg_hash_sha256 *c, const void *data, size_t n);
void vnfimg_hash_sha256_final(struct vnfimg_hash_sha256 *c, uint8_t out[VNFIMG_HASH_SHA256_LEN]);

void vnfimg_hash_md5_init(struct vnfimg_hash_md5 *c);
void vnfimg_hash_md5_update(struct vnfimg_hash_md5 *c, const void *data, size_t n);
void vnfimg_hash_md5_final(struct vnfimg_hash_md5 *c, uint8_t out[VNFIMG_HASH_MD5_LEN]);

/* "sha256" / "md5". Static string. */
const char *vnfimg_hash_name(enum vnfimg_hash_algo algo);
/* Digest length in bytes of algo. */
size_t vnfimg_hash_len(enum vnfimg_hash_algo algo);

/* Lower-case hex of n bytes into hex (caller's buffer of at least 2n+1). */
void vnfimg_hash_hex(const uint8_t *digest, size_t n, char *hex);

/* Hex digest of a whole file, read in 1 MiB chunks, into hex (caller's
 * buffer of hexsz bytes, at least 2 * vnfimg_hash_len(algo) + 1).
 * Returns 0, or -1 with cfg_err set ("cannot open PATH: ...",
 * "cannot read PATH: ..."). */
int vnfimg_hash_file(const char *path, enum vnfimg_hash_algo algo, char *hex, size_t hexsz);

#endif
