/* jdm_ipsecnm_psk — pre-shared keys stored encrypted. See jdm_ipsecnm_psk.h. */
#include "jdm_ipsecnm_psk.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "cfg_err.h"
#include "cfg_xform.h"

#define KEY_LEN 32
#define NONCE_LEN 12
#define TAG_LEN 16
#define MAX_PSK 1024

static char key_path[PATH_MAX];
static pthread_mutex_t key_mu = PTHREAD_MUTEX_INITIALIZER;

int jdm_ipsecnm_psk_init(const char *state_dir)
{
	int n = snprintf(key_path, sizeof key_path, "%s/ipsec-nm.key", state_dir);
	if (n < 0 || (size_t)n >= sizeof key_path)
		return cfg_err_set("state directory path too long");
	return cfg_xform_register("ipsec-psk", jdm_ipsecnm_psk_seal);
}

static int read_key(unsigned char key[KEY_LEN])
{
	int fd = open(key_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 1 : cfg_err_set("%s: %s", key_path, strerror(errno));
	ssize_t r = read(fd, key, KEY_LEN);
	close(fd);
	if (r != KEY_LEN)
		return cfg_err_set("%s: not a key of %d bytes", key_path, KEY_LEN);
	return 0;
}

/* The box key, made when MAKE and missing. */
static int box_key(unsigned char key[KEY_LEN], int make)
{
	if (!key_path[0])
		return cfg_err_set("pre-shared keys are not available here (no box key)");
	pthread_mutex_lock(&key_mu);
	int rc = read_key(key);
	if (rc == 1 && make) {
		rc = -1;
		if (RAND_bytes(key, KEY_LEN) != 1) {
			cfg_err_set("no random bytes for the box key");
		} else {
			int fd = open(key_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
			if (fd < 0) {
				cfg_err_set("%s: %s", key_path, strerror(errno));
			} else {
				rc = write(fd, key, KEY_LEN) == KEY_LEN && fsync(fd) == 0 ? 0 : -1;
				close(fd);
				if (rc < 0) {
					unlink(key_path);
					cfg_err_set("%s: cannot write the box key", key_path);
				}
			}
		}
	} else if (rc == 1) {
		rc = cfg_err_set("the pre-shared key cannot be decrypted on this box (no box key): enter it again");
	}
	pthread_mutex_unlock(&key_mu);
	return rc;
}

static int gcm(int enc, const unsigned char key[KEY_LEN], const unsigned char *nonce,
               const unsigned char *in, int inlen, unsigned char *out, unsigned char *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int ok = c && EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) == 1 &&
	         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
	         EVP_CipherInit_ex(c, NULL, NULL, key, nonce, enc) == 1;
	int l = 0, l2 = 0;
	ok = ok && EVP_CipherUpdate(c, out, &l, in, inlen) == 1;
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1;
	ok = ok && EVP_CipherFinal_ex(c, out + l, &l2) == 1;
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? l + l2 : -1;
}

int jdm_ipsecnm_psk_seal(const char *plain, char **out)
{
	*out = NULL;
	size_t pl = strlen(plain);
	if (!strncmp(plain, JDM_IPSECNM_PSK_TAG, strlen(JDM_IPSECNM_PSK_TAG))) {
		*out = strdup(plain); /* already sealed: kept (checked at commit) */
		if (!*out)
			abort();
		return 0;
	}
	if (pl == 0 || pl > MAX_PSK)
		return cfg_err_set("a pre-shared key has 1 to %d characters", MAX_PSK);
	unsigned char key[KEY_LEN];
	if (box_key(key, 1) < 0)
		return -1;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned ml = 0;
	unsigned char *buf = malloc(NONCE_LEN + pl + TAG_LEN);
	char *b64 = malloc(4 * ((NONCE_LEN + pl + TAG_LEN + 2) / 3) + 1);
	if (!buf || !b64)
		abort();
	int rc = -1;
	if (!HMAC(EVP_sha256(), key, KEY_LEN, (const unsigned char *)plain, pl, mac, &ml)) {
		cfg_err_set("cannot seal the pre-shared key");
	} else {
		memcpy(buf, mac, NONCE_LEN);
		int cl = gcm(1, key, buf, (const unsigned char *)plain, (int)pl, buf + NONCE_LEN,
		             buf + NONCE_LEN + pl);
		if (cl != (int)pl) {
			cfg_err_set("cannot seal the pre-shared key");
		} else {
			EVP_EncodeBlock((unsigned char *)b64, buf, (int)(NONCE_LEN + pl + TAG_LEN));
			*out = malloc(strlen(JDM_IPSECNM_PSK_TAG) + strlen(b64) + 1);
			if (!*out)
				abort();
			strcpy(*out, JDM_IPSECNM_PSK_TAG);
			strcat(*out, b64);
			rc = 0;
		}
	}
	explicit_bzero(key, sizeof key);
	explicit_bzero(mac, sizeof mac);
	explicit_bzero(buf, NONCE_LEN + pl + TAG_LEN);
	free(buf);
	free(b64);
	return rc;
}

int jdm_ipsecnm_psk_open(const char *stored, char **plain)
{
	*plain = NULL;
	size_t tl = strlen(JDM_IPSECNM_PSK_TAG);
	if (!stored || strncmp(stored, JDM_IPSECNM_PSK_TAG, tl) != 0)
		return cfg_err_set("the pre-shared key is not stored encrypted: enter it again");
	const char *b = stored + tl;
	size_t bl = strlen(b);
	if (bl % 4 || bl < 4 || bl > 4 * ((NONCE_LEN + MAX_PSK + TAG_LEN + 2) / 3))
		return cfg_err_set("the stored pre-shared key is damaged: enter it again");
	unsigned char *raw = malloc(bl);
	if (!raw)
		abort();
	int n = EVP_DecodeBlock(raw, (const unsigned char *)b, (int)bl);
	if (n > 0 && b[bl - 1] == '=')
		n--;
	if (n > 0 && b[bl - 2] == '=')
		n--;
	int rc = -1;
	unsigned char key[KEY_LEN];
	if (n < NONCE_LEN + TAG_LEN + 1) {
		cfg_err_set("the stored pre-shared key is damaged: enter it again");
	} else if (box_key(key, 0) == 0) {
		int cl = n - NONCE_LEN - TAG_LEN;
		char *p = malloc((size_t)cl + 1);
		if (!p)
			abort();
		if (gcm(0, key, raw, raw + NONCE_LEN, cl, (unsigned char *)p, raw + NONCE_LEN + cl) != cl) {
			explicit_bzero(p, (size_t)cl);
			free(p);
			cfg_err_set("the pre-shared key cannot be decrypted on this box (sealed with another "
			            "box's key): enter it again");
		} else {
			p[cl] = '\0';
			*plain = p;
			rc = 0;
		}
		explicit_bzero(key, sizeof key);
	}
	explicit_bzero(raw, bl);
	free(raw);
	return rc;
}
