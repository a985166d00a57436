/* vnfimg_hash — SHA-256 and MD5 digests of VNF images (checksum sidecars),
 * on OpenSSL's EVP interface (libcrypto), streamed in 1 MiB reads.
 *
 * A context is a struct owned by the caller (stack is fine) holding an EVP
 * context that final/abort frees.
 */
#ifndef NFX_VNFIMG_HASH_H
#define NFX_VNFIMG_HASH_H

#include <stddef.h>
#include <stdint.h>

#define VNFIMG_HASH_SHA256_LEN 32
#define VNFIMG_HASH_MD5_LEN 16
/* Longest hex digest plus NUL. */
#define VNFIMG_HASH_HEX_MAX (2 * VNFIMG_HASH_SHA256_LEN + 1)

enum vnfimg_hash_algo {
	VNFIMG_HASH_SHA256,
	VNFIMG_HASH_MD5,
};

/* A streaming digest: init, update any number of times with any sizes,
 * final (which also frees the context; vnfimg_hash_abort() frees one that
 * is not finished). */
struct vnfimg_hash {
	void *ctx; /* OpenSSL EVP_MD_CTX, owned */
	enum vnfimg_hash_algo algo;
};

/* 0, or -1 with cfg_err set (OpenSSL refused, out of memory). */
int vnfimg_hash_init(struct vnfimg_hash *h, enum vnfimg_hash_algo algo);
int vnfimg_hash_update(struct vnfimg_hash *h, const void *data, size_t n);
/* The digest (vnfimg_hash_len(algo) bytes) into OUT; frees the context. */
int vnfimg_hash_final(struct vnfimg_hash *h, uint8_t *out);
void vnfimg_hash_abort(struct vnfimg_hash *h);

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
