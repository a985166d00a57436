/* test_jdm_ztp — zero-touch provisioning's pure parts: the DHCP options
 * (jdm_ztp_opt.h), the factory-default test (jdm_ztp.h) and the detached
 * CMS signature check (jdm_ztp_fetch.h) against keys made by openssl here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg_err.h"
#include "cfg_load.h"
#include "cfg_schema.h"
#include "cfg_schema_data.h"
#include "jdm_proc.h"
#include "jdm_ztp.h"
#include "jdm_ztp_fetch.h"
#include "jdm_ztp_opt.h"

/* TLV helper: append sub-option CODE with text V to P at *N. */
static void tlv(uint8_t *p, size_t *n, uint8_t code, const char *v)
{
	p[(*n)++] = code;
	p[(*n)++] = (uint8_t)strlen(v);
	memcpy(p + *n, v, strlen(v));
	*n += strlen(v);
}

static void test_unhex(void **state)
{
	(void)state;
	uint8_t b[8];
	size_t n;
	assert_int_equal(jdm_ztp_opt_unhex("00ff10Ab", b, sizeof b, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(b[1], 0xff);
	assert_int_equal(b[3], 0xab);
	assert_int_equal(jdm_ztp_opt_unhex("0", b, sizeof b, &n), -1);
	assert_int_equal(jdm_ztp_opt_unhex("zz", b, sizeof b, &n), -1);
	assert_int_equal(jdm_ztp_opt_unhex("000000000000000000", b, sizeof b, &n), -1); /* too long */
}

static void test_opt43(void **state)
{
	(void)state;
	uint8_t p[600];
	size_t n = 0;
	struct jdm_ztp_offer o = {0};
	tlv(p, &n, 0, "junos-nfx.tgz");
	tlv(p, &n, 1, "/ztp/box.conf");
	tlv(p, &n, 2, "symlink"); /* not used */
	tlv(p, &n, 3, "HTTPS");
	p[n++] = 0xff;
	assert_int_equal(jdm_ztp_opt_43(p, n, &o), 0);
	assert_string_equal(o.image, "junos-nfx.tgz");
	assert_string_equal(o.config, "/ztp/box.conf");
	assert_string_equal(o.mode, "https");
	assert_string_equal(o.sha256, "");

	/* a hash fragment is kept apart */
	char cfg[200];
	snprintf(cfg, sizeof cfg, "box.conf#sha256=%064d", 7);
	n = 0;
	tlv(p, &n, 1, cfg);
	memset(&o, 0, sizeof o);
	assert_int_equal(jdm_ztp_opt_43(p, n, &o), 0);
	assert_string_equal(o.config, "box.conf");
	assert_int_equal(strlen(o.sha256), 64);

	/* refused: truncated TLV, a bad fragment, an unknown mode, control bytes */
	n = 0;
	tlv(p, &n, 1, "box.conf");
	assert_int_equal(jdm_ztp_opt_43(p, n - 2, &o), -1);
	assert_non_null(strstr(cfg_err_msg(), "truncated"));
	n = 0;
	tlv(p, &n, 1, "box.conf#md5=00");
	assert_int_equal(jdm_ztp_opt_43(p, n, &o), -1);
	n = 0;
	tlv(p, &n, 3, "ftp");
	assert_int_equal(jdm_ztp_opt_43(p, n, &o), -1);
	assert_non_null(strstr(cfg_err_msg(), "transfer mode"));
	n = 0;
	tlv(p, &n, 1, "a\nb");
	assert_int_equal(jdm_ztp_opt_43(p, n, &o), -1);
}

static void test_opt143(void **state)
{
	(void)state;
	uint8_t p[200];
	size_t n = 0;
	const char *u[] = {"https://192.0.2.1/a.conf", "https://[2001:db8::1]/b"};
	for (int i = 0; i < 2; i++) {
		p[n++] = 0;
		p[n++] = (uint8_t)strlen(u[i]);
		memcpy(p + n, u[i], strlen(u[i]));
		n += strlen(u[i]);
	}
	struct jdm_ztp_offer o = {0};
	assert_int_equal(jdm_ztp_opt_143(p, n, &o), 0);
	assert_int_equal(o.n_uris, 2);
	assert_string_equal(o.uris[1], u[1]);
	assert_int_equal(jdm_ztp_opt_143(p, n - 1, &o), -1);
	p[2] = 'x'; /* "xttps://..." still a URI; drop the scheme to refuse */
	uint8_t q[] = {0, 3, 'a', 'b', 'c'};
	assert_int_equal(jdm_ztp_opt_143(q, sizeof q, &o), -1);
}

static void test_lease_urls(void **state)
{
	(void)state;
	/* as busybox udhcpc exports them: opt43 = 01 "ztp/box.conf" 03 "https" */
	const char *lease = "ip=192.0.2.149\nmask=24\nrouter=192.0.2.1 192.0.2.2\nserverid=192.0.2.1\n"
	                    "siaddr=192.0.2.1\ntftp=192.0.2.7\n"
	                    "opt43=010c7a74702f626f782e636f6e66030568747470730a\n"
	                    "opt150=cb007105\n";
	struct jdm_ztp_offer o;
	/* the trailing 0a: a truncated sub-option 10 makes option 43 invalid */
	assert_int_equal(jdm_ztp_opt_lease(lease, &o), 0);
	assert_string_equal(o.ip, "192.0.2.149");
	assert_int_equal(o.mask, 24);
	assert_string_equal(o.router, "192.0.2.1");
	assert_string_not_equal(o.error, "");
	assert_string_equal(o.config, "");

	lease = "ip=192.0.2.149\nmask=24\nserverid=192.0.2.1\ntftp=192.0.2.7\n"
	        "opt43=010c7a74702f626f782e636f6e66030474667470\n"
	        "opt150=cb007105\n";
	assert_int_equal(jdm_ztp_opt_lease(lease, &o), 0);
	assert_string_equal(o.config, "ztp/box.conf");
	assert_string_equal(o.mode, "tftp");
	assert_string_equal(o.server, "203.0.113.5"); /* option 150 wins over 66 */
	char urls[JDM_ZTP_MAX_URLS][JDM_ZTP_URL_MAX];
	assert_int_equal(jdm_ztp_opt_urls(&o, urls, JDM_ZTP_MAX_URLS), 1);
	assert_string_equal(urls[0], "tftp://203.0.113.5/ztp/box.conf");

	/* option 143 first, then option 43's URL; 66 names the server without 150 */
	lease = "ip=192.0.2.150\nserverid=192.0.2.1\ntftp=prov.example\n"
	        "opt143=0018687474707333a2f2f3139322e302e322e312f612e636f6e66\n"
	        "opt43=0108612f622e636f6e66\n";
	assert_int_equal(jdm_ztp_opt_lease(lease, &o), 0);
	assert_int_equal(o.mask, 24);
	assert_string_equal(o.server, "prov.example");
	/* that opt143 has a bad length byte: decoded as invalid, said in error */
	assert_int_equal(o.n_uris, 0);
	lease = "ip=192.0.2.150\nserverid=192.0.2.1\n"
	        "opt143=001868747470733a2f2f3139322e302e322e312f612e636f6e66\n"
	        "opt43=0108612f622e636f6e66\n";
	assert_int_equal(jdm_ztp_opt_lease(lease, &o), 0);
	assert_int_equal(o.n_uris, 1);
	assert_int_equal(jdm_ztp_opt_urls(&o, urls, JDM_ZTP_MAX_URLS), 2);
	assert_string_equal(urls[0], "https://192.0.2.1/a.conf");
	assert_string_equal(urls[1], "https://192.0.2.1/a/b.conf");

	/* no address: no lease */
	assert_int_equal(jdm_ztp_opt_lease("opt43=0100\n", &o), -1);
}

static void test_factory(void **state)
{
	(void)state;
	struct cfg_schema *s = cfg_schema_load_mem(cfg_schema_jdm, cfg_schema_jdm_len, "jdm.xml");
	assert_non_null(s);
	struct cfg_tree *t = cfg_tree_new(s);
	assert_true(jdm_ztp_factory(t));
	const char *z = "set system ztp allow-unsigned\n";
	assert_int_equal(cfg_load_set(t, NULL, z, strlen(z), "t", 0, NULL), 0);
	assert_true(jdm_ztp_factory(t));
	const char *h = "set system host-name box\n";
	assert_int_equal(cfg_load_set(t, NULL, h, strlen(h), "t", 0, NULL), 0);
	assert_false(jdm_ztp_factory(t));
	cfg_tree_free(t);
	t = cfg_tree_new(s);
	const char *v = "set host-os vlans v1 vlan-id 10\ndeactivate host-os vlans v1\n";
	assert_int_equal(cfg_load_set(t, NULL, v, strlen(v), "t", 0, NULL), 0);
	assert_false(jdm_ztp_factory(t)); /* inactive statements are configuration too */
	cfg_tree_free(t);
	cfg_schema_free(s);
}

/* ---------------------------------------------------------- signatures */

static char dir[64];

static int run(const char *const *argv)
{
	return jdm_proc_run(argv);
}

static char *at(const char *name)
{
	return jdm_xasprintf("%s/%s", dir, name);
}

/* A CA (KEY, CRT) made by openssl. */
static int make_ca(const char *name)
{
	char *k = jdm_xasprintf("%s/%s.key", dir, name), *c = jdm_xasprintf("%s/%s.pem", dir, name);
	char *subj = jdm_xasprintf("/CN=%s", name);
	const char *a[] = {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
	                   "ec_paramgen_curve:P-256", "-nodes", "-keyout", k, "-out", c, "-days", "2",
	                   "-subj", subj, NULL};
	int rc = run(a);
	free(k);
	free(c);
	free(subj);
	return rc;
}

/* A signer certificate NAME issued by CA. */
static int make_signer(const char *name, const char *ca)
{
	char *k = jdm_xasprintf("%s/%s.key", dir, name), *r = jdm_xasprintf("%s/%s.csr", dir, name);
	char *c = jdm_xasprintf("%s/%s.pem", dir, name), *subj = jdm_xasprintf("/CN=%s", name);
	char *cak = jdm_xasprintf("%s/%s.key", dir, ca), *cac = jdm_xasprintf("%s/%s.pem", dir, ca);
	const char *a[] = {"/usr/bin/openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
	                   "ec_paramgen_curve:P-256", "-nodes", "-keyout", k, "-out", r, "-subj", subj,
	                   NULL};
	const char *b[] = {"/usr/bin/openssl", "x509", "-req", "-in", r, "-CA", cac, "-CAkey", cak,
	                   "-CAcreateserial", "-out", c, "-days", "2", NULL};
	int rc = run(a) == 0 && run(b) == 0 ? 0 : -1;
	free(k), free(r), free(c), free(subj), free(cak), free(cac);
	return rc;
}

static int sign(const char *file, const char *signer, const char *out)
{
	char *k = jdm_xasprintf("%s/%s.key", dir, signer), *c = jdm_xasprintf("%s/%s.pem", dir, signer);
	const char *a[] = {"/usr/bin/openssl", "cms", "-sign", "-binary", "-in", file, "-signer", c,
	                   "-inkey", k, "-outform", "DER", "-out", out, NULL};
	int rc = run(a);
	free(k);
	free(c);
	return rc;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *b = malloc(1 << 16);
	*n = fread(b, 1, 1 << 16, f);
	fclose(f);
	return b;
}

static void test_verify(void **state)
{
	(void)state;
	if (access("/usr/bin/openssl", X_OK) != 0)
		skip();
	snprintf(dir, sizeof dir, "/tmp/test_jdm_ztp.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(make_ca("anchor"), 0);
	assert_int_equal(make_ca("other"), 0);
	assert_int_equal(make_signer("signer", "anchor"), 0);
	assert_int_equal(make_signer("rogue", "other"), 0);
	char *conf = at("box.conf"), *sig = at("box.conf.p7s"), *rsig = at("rogue.p7s");
	char *anchor = at("anchor.pem");
	FILE *f = fopen(conf, "w");
	fputs("system { host-name branch1; }\n", f);
	fclose(f);
	assert_int_equal(sign(conf, "signer", sig), 0);
	assert_int_equal(sign(conf, "rogue", rsig), 0);
	size_t dl, sl, rl;
	char *data = slurp(conf, &dl), *s = slurp(sig, &sl), *r = slurp(rsig, &rl);
	char who[256];
	assert_int_equal(jdm_ztp_verify(anchor, data, dl, s, sl, who, sizeof who), 0);
	assert_non_null(strstr(who, "CN=signer"));
	/* tampered data */
	data[0] = 'S';
	assert_int_equal(jdm_ztp_verify(anchor, data, dl, s, sl, NULL, 0), -1);
	assert_non_null(strstr(cfg_err_msg(), "signature verification failed"));
	data[0] = 's';
	/* a signer the anchor does not certify */
	assert_int_equal(jdm_ztp_verify(anchor, data, dl, r, rl, NULL, 0), -1);
	/* not a signature at all; no anchor */
	assert_int_equal(jdm_ztp_verify(anchor, data, dl, "abc", 3, NULL, 0), -1);
	assert_int_equal(jdm_ztp_verify("/nonexistent", data, dl, s, sl, NULL, 0), -1);

	/* the device identity: a 0600 key, a serial, a CSR; made once */
	char *zd = at("ztp"), serial[64], serial2[64];
	assert_int_equal(jdm_ztp_identity(zd, serial, sizeof serial), 0);
	assert_int_equal(strncmp(serial, "NFX", 3), 0);
	char *key = jdm_xasprintf("%s/device.key", zd);
	struct stat st;
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(jdm_ztp_identity(zd, serial2, sizeof serial2), 0);
	assert_string_equal(serial, serial2);
	char hex[65];
	jdm_ztp_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

	const char *rm[] = {"/bin/rm", "-rf", dir, NULL};
	run(rm);
	free(conf), free(sig), free(rsig), free(anchor), free(data), free(s), free(r), free(zd), free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unhex),      cmocka_unit_test(test_opt43),
		cmocka_unit_test(test_opt143),     cmocka_unit_test(test_lease_urls),
		cmocka_unit_test(test_factory),    cmocka_unit_test(test_verify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
