/* jdm_ztp_fetch — libcurl transfers and OpenSSL checks of ZTP. See
 * jdm_ztp_fetch.h. */
#include "jdm_ztp_fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/cms.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_err.h"

int jdm_ztp_fetch_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return cfg_err_set("libcurl: initialisation failed");
	return 0;
}

/* ---------------------------------------------------------------- transfer */

struct sink {
	struct cfg_buf *body; /* memory, or */
	FILE *f;              /* a file */
	EVP_MD_CTX *md;
	uint64_t got, max;
	bool too_big;
};

static size_t on_data(char *p, size_t sz, size_t nm, void *arg)
{
	struct sink *s = arg;
	size_t n = sz * nm;
	if (s->got + n > s->max) {
		s->too_big = true;
		return 0; /* aborts the transfer */
	}
	s->got += n;
	if (s->md)
		EVP_DigestUpdate(s->md, p, n);
	if (s->body)
		cfg_buf_add(s->body, p, n);
	else if (fwrite(p, 1, n, s->f) != n)
		return 0;
	return n;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)dn, (void)ut, (void)un;
	const atomic_bool *cancel = arg;
	return cancel && atomic_load(cancel) ? 1 : 0;
}

static int transfer(const struct jdm_ztp_tls *t, const char *url, struct sink *s)
{
	bool tls = strncmp(url, "https://", 8) == 0;
	if (!tls && !t->allow_plain)
		return cfg_err_set("%s: only https is allowed (unsigned transfer is not enabled)", url);
	if (!tls && strncmp(url, "http://", 7) && strncmp(url, "tftp://", 7))
		return cfg_err_set("%s: not an https, http or tftp URL", url);
	if (tls && (!t->anchor || access(t->anchor, R_OK) != 0))
		return cfg_err_set("no trust anchor (%s): the server cannot be authenticated",
		                   t->anchor ? t->anchor : "none configured");
	CURL *c = curl_easy_init();
	if (!c)
		return cfg_err_set("libcurl: cannot make a handle");
	char err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, t->allow_plain ? "https,http,tftp" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, ""); /* never a proxy from the environment */
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, t->timeout_s > 0 ? t->timeout_s : 300L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "nfx-jdmd-ztp");
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)t->cancel);
	if (tls) {
		/* the server must chain to the anchor, and only to it */
		curl_easy_setopt(c, CURLOPT_CAINFO, t->anchor);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
		curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
		if (t->cert && t->key) {
			curl_easy_setopt(c, CURLOPT_SSLCERT, t->cert);
			curl_easy_setopt(c, CURLOPT_SSLKEY, t->key);
		}
	}
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	if (s->too_big)
		return cfg_err_set("%s: larger than %llu bytes", url, (unsigned long long)s->max);
	if (rc != CURLE_OK) {
		if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
			return cfg_err_set("%s: the server's certificate is not vouched for by the trust "
			                   "anchor (%s)", url, err[0] ? err : curl_easy_strerror(rc));
		return cfg_err_set("%s: %s", url, err[0] ? err : curl_easy_strerror(rc));
	}
	if (code == 403 || code == 401)
		return cfg_err_set("%s: the server refused this device (HTTP %ld: identity not admitted)",
		                   url, code);
	if ((tls || !strncmp(url, "http://", 7)) && code != 200)
		return cfg_err_set("%s: HTTP status %ld", url, code);
	return 0;
}

int jdm_ztp_get(const struct jdm_ztp_tls *t, const char *url, size_t max, struct cfg_buf *body)
{
	struct sink s = {.body = body, .max = max};
	return transfer(t, url, &s);
}

static void hex_of(const unsigned char *d, unsigned n, char *hex)
{
	for (unsigned i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

int jdm_ztp_get_file(const struct jdm_ztp_tls *t, const char *url, uint64_t max, const char *path,
                     char hex[65])
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return cfg_err_set("%s: %s", path, strerror(errno));
	FILE *f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		unlink(path);
		return cfg_err_set("%s: %s", path, strerror(errno));
	}
	struct sink s = {.f = f, .max = max, .md = EVP_MD_CTX_new()};
	if (!s.md || !EVP_DigestInit_ex(s.md, EVP_sha256(), NULL))
		abort();
	int rc = transfer(t, url, &s);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		if (rc == 0)
			rc = cfg_err_set("%s: %s", path, strerror(errno));
	}
	fclose(f);
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	EVP_DigestFinal_ex(s.md, d, &dl);
	EVP_MD_CTX_free(s.md);
	if (rc < 0) {
		unlink(path);
		return -1;
	}
	hex_of(d, dl, hex);
	return 0;
}

/* --------------------------------------------------------------- hashes */

void jdm_ztp_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	EVP_Digest(data, len, d, &dl, EVP_sha256(), NULL);
	hex_of(d, dl, hex);
}

int jdm_ztp_sha256_file(const char *path, char hex[65])
{
	FILE *f = fopen(path, "rbe");
	if (!f)
		return cfg_err_set("%s: %s", path, strerror(errno));
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
		abort();
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		EVP_DigestUpdate(md, buf, n);
	int bad = ferror(f);
	fclose(f);
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;
	EVP_DigestFinal_ex(md, d, &dl);
	EVP_MD_CTX_free(md);
	if (bad)
		return cfg_err_set("%s: read error", path);
	hex_of(d, dl, hex);
	return 0;
}

/* ------------------------------------------------------------ signature */

/* OpenSSL's last error as text (for a reason line). */
static const char *ossl_err(void)
{
	static __thread char buf[256];
	unsigned long e = ERR_get_error();
	unsigned long last = e;
	while (e) { /* the last one queued is the most specific */
		last = e;
		e = ERR_get_error();
	}
	if (!last)
		return "unknown error";
	ERR_error_string_n(last, buf, sizeof buf);
	return buf;
}

int jdm_ztp_verify(const char *anchor, const void *data, size_t len, const void *sig, size_t slen,
                   char *signer, size_t n)
{
	ERR_clear_error();
	if (!anchor || access(anchor, R_OK) != 0)
		return cfg_err_set("no trust anchor: the signature cannot be checked");
	BIO *sb = BIO_new_mem_buf(sig, (int)slen);
	CMS_ContentInfo *cms = d2i_CMS_bio(sb, NULL);
	if (!cms) {
		BIO_free(sb);
		sb = BIO_new_mem_buf(sig, (int)slen);
		cms = PEM_read_bio_CMS(sb, NULL, NULL, NULL);
	}
	BIO_free(sb);
	if (!cms)
		return cfg_err_set("the signature is not a CMS (PKCS#7) signature");
	X509_STORE *st = X509_STORE_new();
	int rc = 0;
	if (!st || X509_STORE_load_file(st, anchor) != 1) {
		rc = cfg_err_set("cannot load the trust anchor %s: %s", anchor, ossl_err());
	} else {
		BIO *db = BIO_new_mem_buf(data, (int)len);
		ERR_clear_error();
		if (CMS_verify(cms, NULL, st, db, NULL, CMS_BINARY | CMS_DETACHED) != 1) {
			rc = cfg_err_set("signature verification failed: %s", ossl_err());
		} else if (signer && n) {
			STACK_OF(X509) *ss = CMS_get0_signers(cms);
			signer[0] = '\0';
			if (ss && sk_X509_num(ss) > 0)
				X509_NAME_oneline(X509_get_subject_name(sk_X509_value(ss, 0)), signer, (int)n);
			sk_X509_free(ss);
		}
		BIO_free(db);
	}
	X509_STORE_free(st);
	CMS_ContentInfo_free(cms);
	return rc;
}

/* ------------------------------------------------------------- identity */

static char *path_in(const char *dir, const char *name)
{
	size_t l = strlen(dir) + strlen(name) + 2;
	char *p = malloc(l);
	if (!p)
		abort();
	snprintf(p, l, "%s/%s", dir, name);
	return p;
}

/* Write with MODE, atomically (PATH.tmp, rename). FN writes into F. */
static int write_pem(const char *path, mode_t mode, int (*fn)(FILE *f, void *arg), void *arg)
{
	size_t l = strlen(path) + 5;
	char *tmp = malloc(l);
	if (!tmp)
		abort();
	snprintf(tmp, l, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return cfg_err_set("%s: %s", path, strerror(e));
	}
	fchmod(fd, mode);
	FILE *f = fdopen(fd, "w");
	int ok = f && fn(f, arg) == 0;
	if (f) {
		ok = ok && fflush(f) == 0 && fsync(fd) == 0;
		fclose(f);
	} else {
		close(fd);
	}
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		free(tmp);
		return cfg_err_set("%s: cannot write it", path);
	}
	free(tmp);
	return 0;
}

static int put_key(FILE *f, void *arg)
{
	return PEM_write_PrivateKey(f, arg, NULL, NULL, 0, NULL, NULL) == 1 ? 0 : -1;
}
static int put_csr(FILE *f, void *arg)
{
	return PEM_write_X509_REQ(f, arg) == 1 ? 0 : -1;
}
static int put_text(FILE *f, void *arg)
{
	return fprintf(f, "%s\n", (const char *)arg) > 0 ? 0 : -1;
}

int jdm_ztp_identity(const char *dir, char *serial, size_t n)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return cfg_err_set("%s: %s", dir, strerror(errno));
	chmod(dir, 0700);
	char *kp = path_in(dir, "device.key"), *sp = path_in(dir, "serial"), *cp = path_in(dir, "device.csr");
	int rc = 0;
	EVP_PKEY *k = NULL;
	X509_REQ *req = NULL;
	/* the serial number */
	FILE *f = fopen(sp, "re");
	char sbuf[64] = "";
	if (f) {
		if (!fgets(sbuf, sizeof sbuf, f))
			sbuf[0] = '\0';
		fclose(f);
		sbuf[strcspn(sbuf, "\r\n")] = '\0';
	}
	if (!sbuf[0]) {
		unsigned char r[6];
		if (RAND_bytes(r, sizeof r) != 1) {
			rc = cfg_err_set("no random bytes for a serial number");
			goto out;
		}
		snprintf(sbuf, sizeof sbuf, "NFX");
		hex_of(r, sizeof r, sbuf + 3);
		for (char *c = sbuf; *c; c++)
			if (*c >= 'a' && *c <= 'f')
				*c = (char)(*c - 'a' + 'A');
		if (write_pem(sp, 0644, put_text, sbuf) < 0) {
			rc = -1;
			goto out;
		}
	}
	snprintf(serial, n, "%s", sbuf);
	/* the key pair: readable by jdmd (root) only */
	f = fopen(kp, "re");
	if (f) {
		k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
		chmod(kp, 0600);
	}
	if (!k) {
		k = EVP_EC_gen("P-256");
		if (!k || write_pem(kp, 0600, put_key, k) < 0) {
			rc = cfg_err_set("cannot make the device key %s: %s", kp, ossl_err());
			goto out;
		}
		unlink(cp); /* a CSR of an old key means nothing */
	}
	if (access(cp, R_OK) == 0)
		goto out;
	req = X509_REQ_new();
	X509_NAME *name = X509_NAME_new();
	if (!req || !name ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)sbuf, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "serialNumber", MBSTRING_ASC, (const unsigned char *)sbuf,
	                                -1, -1, 0) ||
	    !X509_REQ_set_version(req, 0) || !X509_REQ_set_subject_name(req, name) ||
	    !X509_REQ_set_pubkey(req, k) || !X509_REQ_sign(req, k, EVP_sha256())) {
		X509_NAME_free(name);
		rc = cfg_err_set("cannot make the certificate request: %s", ossl_err());
		goto out;
	}
	X509_NAME_free(name);
	if (write_pem(cp, 0644, put_csr, req) < 0)
		rc = -1;
out:
	X509_REQ_free(req);
	EVP_PKEY_free(k);
	free(kp);
	free(sp);
	free(cp);
	return rc;
}

int jdm_ztp_cert_describe(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return cfg_err_set("%s: %s", path, strerror(errno));
	X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x)
		return cfg_err_set("%s: not a PEM certificate", path);
	char s[256], i[256];
	X509_NAME_oneline(X509_get_subject_name(x), s, sizeof s);
	X509_NAME_oneline(X509_get_issuer_name(x), i, sizeof i);
	snprintf(buf, n, "%s, issued by %s", s, i);
	X509_free(x);
	return 0;
}
