/* vnfimg_hash — SHA-256 and MD5 over OpenSSL's EVP digests (libcrypto). */
#include "vnfimg_hash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cfg_err.h"

#define CHUNK (1024 * 1024)

int vnfimg_hash_init(struct vnfimg_hash *h, enum vnfimg_hash_algo algo)
{
	h->algo = algo;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	h->ctx = ctx;
	if (!ctx)
		return cfg_err_set("cannot hash: out of memory");
	if (EVP_DigestInit_ex(ctx, algo == VNFIMG_HASH_MD5 ? EVP_md5() : EVP_sha256(), NULL) != 1) {
		vnfimg_hash_abort(h);
		return cfg_err_set("cannot hash: OpenSSL has no %s", vnfimg_hash_name(algo));
	}
	return 0;
}

int vnfimg_hash_update(struct vnfimg_hash *h, const void *data, size_t n)
{
	if (!h->ctx || EVP_DigestUpdate(h->ctx, data, n) != 1)
		return cfg_err_set("cannot hash: %s digest failed", vnfimg_hash_name(h->algo));
	return 0;
}

int vnfimg_hash_final(struct vnfimg_hash *h, uint8_t *out)
{
	unsigned len = 0;
	int ok = h->ctx && EVP_DigestFinal_ex(h->ctx, out, &len) == 1 &&
	         len == vnfimg_hash_len(h->algo);
	vnfimg_hash_abort(h);
	return ok ? 0 : cfg_err_set("cannot hash: %s digest failed", vnfimg_hash_name(h->algo));
}

void vnfimg_hash_abort(struct vnfimg_hash *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

/* ---- helpers ------------------------------------------------------------- */

const char *vnfimg_hash_name(enum vnfimg_hash_algo algo)
{
	return algo == VNFIMG_HASH_MD5 ? "md5" : "sha256";
}

size_t vnfimg_hash_len(enum vnfimg_hash_algo algo)
{
	return algo == VNFIMG_HASH_MD5 ? VNFIMG_HASH_MD5_LEN : VNFIMG_HASH_SHA256_LEN;
}

void vnfimg_hash_hex(const uint8_t *digest, size_t n, char *hex)
{
	static const char x[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = x[digest[i] >> 4];
		hex[2 * i + 1] = x[digest[i] & 15];
	}
	hex[2 * n] = '\0';
}

int vnfimg_hash_file(const char *path, enum vnfimg_hash_algo algo, char *hex, size_t hexsz)
{
	size_t dlen = vnfimg_hash_len(algo);
	if (hexsz < 2 * dlen + 1)
		return cfg_err_set("digest buffer too small for %s", vnfimg_hash_name(algo));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cfg_err_set("cannot open %s: %s", path, strerror(errno));
	uint8_t *buf = malloc(CHUNK);
	if (!buf) {
		close(fd);
		return cfg_err_set("cannot hash %s: out of memory", path);
	}
	struct vnfimg_hash h;
	if (vnfimg_hash_init(&h, algo) < 0) {
		free(buf);
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t r = read(fd, buf, CHUNK);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			vnfimg_hash_abort(&h);
			free(buf);
			close(fd);
			return cfg_err_set("cannot read %s: %s", path, strerror(e));
		}
		if (r == 0)
			break;
		if (vnfimg_hash_update(&h, buf, (size_t)r) < 0) {
			vnfimg_hash_abort(&h);
			free(buf);
			close(fd);
			return -1;
		}
	}
	free(buf);
	close(fd);
	uint8_t d[VNFIMG_HASH_SHA256_LEN];
	if (vnfimg_hash_final(&h, d) < 0)
		return -1;
	vnfimg_hash_hex(d, dlen, hex);
	return 0;
}
