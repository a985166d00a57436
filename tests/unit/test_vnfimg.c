/* vnfimg and vnfimg_hash: image inspection, backing chains, checksum
 * sidecars, the `show vnf-images` listing, hash test vectors.
 *
 * Images are made on the fly in a temp dir: qcow2 headers written byte by
 * byte here, and (when /usr/bin/qemu-img exists) real images from
 * `qemu-img create`, run with fork/execv. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cfg_buf.h"
#include "cfg_err.h"
#include "vnfimg.h"
#include "vnfimg_hash.h"

#define QEMU_IMG "/usr/bin/qemu-img"

static char tdir[64];

/* ---- helpers --------------------------------------------------------------- */

static char *tpath(const char *name)
{
	static char buf[8][PATH_MAX];
	static unsigned i;
	char *p = buf[i++ % 8];
	snprintf(p, PATH_MAX, "%s/%s", tdir, name);
	return p;
}

static void write_file(const char *path, const void *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

struct qopt {
	uint32_t version;           /* default 3 */
	uint64_t size;              /* default 1 GiB */
	uint32_t cluster_bits;      /* default 16 */
	uint32_t crypt;
	uint64_t incompat;
	uint32_t header_length;     /* v3; default 112 (with compression type) */
	const char *backing;
	const char *backing_fmt;    /* header extension */
	const char *data_file;      /* header extension */
	size_t truncate_to;         /* write only this many bytes if non-zero */
	const char *magic;          /* default "QFI\xfb" */
};

/* A qcow2 header written by hand: header, extensions at header_length,
 * backing name at 1024; the file is 4096 bytes. */
static void write_qcow2(const char *path, struct qopt o)
{
	uint8_t f[4096];
	memset(f, 0, sizeof(f));
	uint32_t version = o.version ? o.version : 3;
	uint32_t hl = version == 2 ? 72 : (o.header_length ? o.header_length : 112);
	memcpy(f, o.magic ? o.magic : "QFI\xfb", 4);
	put32(f + 4, version);
	if (o.backing) {
		put64(f + 8, 1024);
		put32(f + 16, (uint32_t)strlen(o.backing));
		memcpy(f + 1024, o.backing, strlen(o.backing));
	}
	put32(f + 20, o.cluster_bits ? o.cluster_bits : 16);
	put64(f + 24, o.size ? o.size : 1ull << 30);
	put32(f + 32, o.crypt);
	put32(f + 36, 2);           /* l1_size */
	put64(f + 40, 3 * 65536);   /* l1_table_offset */
	put64(f + 48, 65536);       /* refcount_table_offset */
	put32(f + 56, 1);
	if (version == 3) {
		put64(f + 72, o.incompat);
		put32(f + 96, 4);   /* refcount_order */
		put32(f + 100, hl);
	}
	size_t off = hl;
	const char *exts[2] = { o.backing_fmt, o.data_file };
	uint32_t types[2] = { 0xe2792aca, 0x44415441 };
	for (int i = 0; i < 2; i++) {
		if (!exts[i])
			continue;
		size_t n = strlen(exts[i]);
		put32(f + off, types[i]);
		put32(f + off + 4, (uint32_t)n);
		memcpy(f + off + 8, exts[i], n);
		off += 8 + ((n + 7) & ~(size_t)7);
	}
	/* end-of-extensions marker is already zero */
	write_file(path, f, o.truncate_to ? o.truncate_to : sizeof(f));
}

static int run(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int inspect(const char *path, const char *type, const char *dir, struct vnfimg_info *info)
{
	cfg_err_clear();
	return vnfimg_inspect(path, type, dir, info);
}

#define assert_err(expr, want)                                                          \
	do {                                                                            \
		assert_int_equal((expr), -1);                                           \
		if (!strstr(cfg_err_msg(), (want)))                                     \
			fail_msg("error \"%s\" lacks \"%s\"", cfg_err_msg(), (want));   \
	} while (0)

static int setup(void **state)
{
	(void)state;
	snprintf(tdir, sizeof(tdir), "/tmp/nfx-ut-vnfimg.XXXXXX");
	assert_non_null(mkdtemp(tdir));
	vnfimg_checksum_cache_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *argv[] = { "/bin/rm", "-rf", tdir, NULL };
	run(argv);
	return 0;
}

/* ---- hashes --------------------------------------------------------------- */

static void sha256_hex(const void *p, size_t n, char *hex)
{
	struct vnfimg_hash c;
	uint8_t d[32];
	assert_int_equal(vnfimg_hash_init(&c, VNFIMG_HASH_SHA256), 0);
	assert_int_equal(vnfimg_hash_update(&c, p, n), 0);
	assert_int_equal(vnfimg_hash_final(&c, d), 0);
	vnfimg_hash_hex(d, 32, hex);
}

static void md5_hex(const void *p, size_t n, char *hex)
{
	struct vnfimg_hash c;
	uint8_t d[16];
	assert_int_equal(vnfimg_hash_init(&c, VNFIMG_HASH_MD5), 0);
	assert_int_equal(vnfimg_hash_update(&c, p, n), 0);
	assert_int_equal(vnfimg_hash_final(&c, d), 0);
	vnfimg_hash_hex(d, 16, hex);
}

static void test_sha256_vectors(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	char hex[65];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha256_hex(v[i].in, strlen(v[i].in), hex);
		assert_string_equal(hex, v[i].out);
	}
	/* one million 'a', streamed in odd pieces */
	struct vnfimg_hash c;
	uint8_t d[32];
	char a[997];
	memset(a, 'a', sizeof(a));
	assert_int_equal(vnfimg_hash_init(&c, VNFIMG_HASH_SHA256), 0);
	size_t left = 1000000;
	for (size_t k = 1; left; k = k % 900 + 13) {
		size_t n = k < left ? k : left;
		assert_int_equal(vnfimg_hash_update(&c, a, n), 0);
		left -= n;
	}
	assert_int_equal(vnfimg_hash_final(&c, d), 0);
	vnfimg_hash_hex(d, 32, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_md5_vectors(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
		  "57edf4a22be3c955ac49da2e2107b67a" },
	};
	char hex[33];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		md5_hex(v[i].in, strlen(v[i].in), hex);
		assert_string_equal(hex, v[i].out);
	}
}

/* Splitting the input anywhere gives the one-shot digest (block edges). */
static void test_hash_streaming_splits(void **state)
{
	(void)state;
	uint8_t msg[200];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	char one_s[65], one_m[33];
	for (size_t len = 0; len <= sizeof(msg); len += 1) {
		sha256_hex(msg, len, one_s);
		md5_hex(msg, len, one_m);
		for (size_t cut = 0; cut <= len; cut += 9) {
			struct vnfimg_hash s, m;
			uint8_t d[32];
			char hex[65];
			assert_int_equal(vnfimg_hash_init(&s, VNFIMG_HASH_SHA256), 0);
			vnfimg_hash_update(&s, msg, cut);
			vnfimg_hash_update(&s, msg + cut, len - cut);
			assert_int_equal(vnfimg_hash_final(&s, d), 0);
			vnfimg_hash_hex(d, 32, hex);
			assert_string_equal(hex, one_s);
			assert_int_equal(vnfimg_hash_init(&m, VNFIMG_HASH_MD5), 0);
			vnfimg_hash_update(&m, msg, cut);
			vnfimg_hash_update(&m, msg + cut, len - cut);
			assert_int_equal(vnfimg_hash_final(&m, d), 0);
			vnfimg_hash_hex(d, 16, hex);
			assert_string_equal(hex, one_m);
		}
	}
}

/* A file larger than the 1 MiB read chunk. */
static void test_hash_file(void **state)
{
	(void)state;
	size_t n = 3 * 1024 * 1024 + 123;
	uint8_t *buf = malloc(n);
	assert_non_null(buf);
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(i ^ (i >> 9));
	write_file(tpath("big.bin"), buf, n);
	char want[65], got[65];
	sha256_hex(buf, n, want);
	assert_int_equal(vnfimg_hash_file(tpath("big.bin"), VNFIMG_HASH_SHA256, got, sizeof(got)), 0);
	assert_string_equal(got, want);
	md5_hex(buf, n, want);
	assert_int_equal(vnfimg_hash_file(tpath("big.bin"), VNFIMG_HASH_MD5, got, sizeof(got)), 0);
	assert_string_equal(got, want);
	free(buf);
	assert_int_equal(vnfimg_hash_file(tpath("nope"), VNFIMG_HASH_MD5, got, sizeof(got)), -1);
	assert_non_null(strstr(cfg_err_msg(), "No such file"));
}

/* ---- inspection -------------------------------------------------------------- */

static void test_qcow2_v2(void **state)
{
	(void)state;
	struct vnfimg_info in;
	write_qcow2(tpath("v2.qcow2"), (struct qopt){ .version = 2, .size = 1ull << 30 });
	assert_int_equal(inspect(tpath("v2.qcow2"), "qcow2", tdir, &in), 0);
	assert_int_equal(in.format, VNFIMG_FORMAT_QCOW2);
	assert_int_equal(in.qcow2_version, 2);
	assert_int_equal(in.cluster_bits, 16);
	assert_int_equal(in.header_length, 72);
	assert_int_equal(in.virtual_size, 1ull << 30);
	assert_int_equal(in.file_size, 4096);
	assert_true(in.actual_size > 0);
	assert_int_equal(in.crypt_method, VNFIMG_CRYPT_NONE);
	assert_string_equal(in.backing_file, "");
	assert_int_equal(in.chain_depth, 0);
	/* detected without a declared type */
	assert_int_equal(inspect(tpath("v2.qcow2"), NULL, NULL, &in), 0);
	assert_int_equal(in.format, VNFIMG_FORMAT_QCOW2);
}

static void test_qcow2_v3(void **state)
{
	(void)state;
	struct vnfimg_info in;
	write_qcow2(tpath("v3.qcow2"), (struct qopt){ .size = 10ull << 30, .cluster_bits = 20,
						      .incompat = VNFIMG_INCOMPAT_DIRTY, .crypt = 2 });
	assert_int_equal(inspect(tpath("v3.qcow2"), "qcow2", tdir, &in), 0);
	assert_int_equal(in.qcow2_version, 3);
	assert_int_equal(in.cluster_bits, 20);
	assert_int_equal(in.header_length, 112);
	assert_int_equal(in.virtual_size, 10ull << 30);
	assert_int_equal(in.crypt_method, VNFIMG_CRYPT_LUKS);
	assert_int_equal(in.incompatible_features, VNFIMG_INCOMPAT_DIRTY);
	/* minimal v3 header */
	write_qcow2(tpath("v3min.qcow2"), (struct qopt){ .header_length = 104 });
	assert_int_equal(inspect(tpath("v3min.qcow2"), "qcow2", NULL, &in), 0);
	assert_int_equal(in.header_length, 104);
}

static void test_qcow2_refused(void **state)
{
	(void)state;
	struct vnfimg_info in;
	const char *p = tpath("bad.qcow2");
	write_qcow2(p, (struct qopt){ .version = 4 });
	assert_err(inspect(p, "qcow2", NULL, &in), "unsupported qcow2 version 4");
	write_qcow2(p, (struct qopt){ .incompat = 1ull << 7 });
	assert_err(inspect(p, "qcow2", NULL, &in), "incompatible features 0x80");
	write_qcow2(p, (struct qopt){ .incompat = VNFIMG_INCOMPAT_CORRUPT });
	assert_err(inspect(p, "qcow2", NULL, &in), "marked corrupt");
	write_qcow2(p, (struct qopt){ .cluster_bits = 8 });
	assert_err(inspect(p, "qcow2", NULL, &in), "invalid qcow2 cluster size");
	write_qcow2(p, (struct qopt){ .crypt = 7 });
	assert_err(inspect(p, "qcow2", NULL, &in), "invalid qcow2 encryption method 7");
	write_qcow2(p, (struct qopt){ .header_length = 100 });
	assert_err(inspect(p, "qcow2", NULL, &in), "invalid qcow2 header length 100");
	write_qcow2(p, (struct qopt){ .incompat = VNFIMG_INCOMPAT_DATA_FILE });
	assert_err(inspect(p, "qcow2", NULL, &in), "external data file is not named");
	write_qcow2(p, (struct qopt){ .incompat = VNFIMG_INCOMPAT_DATA_FILE,
				      .data_file = "/etc/passwd" });
	assert_err(inspect(p, "qcow2", tdir, &in), "data file /etc/passwd is outside");
	assert_err(inspect(p, "vmdk", NULL, &in), "unknown image type vmdk");
}

static void test_raw(void **state)
{
	(void)state;
	struct vnfimg_info in;
	char data[5000];
	memset(data, 0x5a, sizeof(data));
	write_file(tpath("disk.raw"), data, sizeof(data));
	assert_int_equal(inspect(tpath("disk.raw"), "raw", tdir, &in), 0);
	assert_int_equal(in.format, VNFIMG_FORMAT_RAW);
	assert_int_equal(in.virtual_size, 5000);
	assert_int_equal(in.file_size, 5000);
	assert_int_equal(inspect(tpath("disk.raw"), NULL, tdir, &in), 0);
	assert_int_equal(in.format, VNFIMG_FORMAT_RAW);
	/* a qcow2 declared raw is fine: the guest sees the bytes */
	write_qcow2(tpath("q.img"), (struct qopt){ .backing = "/etc/passwd" });
	assert_int_equal(inspect(tpath("q.img"), "raw", tdir, &in), 0);
	assert_int_equal(in.format, VNFIMG_FORMAT_RAW);
	assert_int_equal(in.virtual_size, 4096);
	assert_string_equal(in.backing_file, "");
}

static void test_bad_files(void **state)
{
	(void)state;
	struct vnfimg_info in;
	char msg[PATH_MAX + 100];
	const char *p = tpath("junk.qcow2");
	write_file(p, "hello world, not qcow2", 22);
	assert_int_equal(inspect(p, "qcow2", NULL, &in), -1);
	snprintf(msg, sizeof(msg), "image %s: not a qcow2 image (bad magic)", p);
	assert_string_equal(cfg_err_msg(), msg);

	write_qcow2(p, (struct qopt){ .truncate_to = 40 });
	assert_int_equal(inspect(p, "qcow2", NULL, &in), -1);
	snprintf(msg, sizeof(msg), "image %s: truncated qcow2 header", p);
	assert_string_equal(cfg_err_msg(), msg);
	/* auto-detected too */
	assert_err(inspect(p, NULL, NULL, &in), "truncated qcow2 header");
	write_qcow2(p, (struct qopt){ .truncate_to = 90 });
	assert_err(inspect(p, "qcow2", NULL, &in), "truncated qcow2 header");
	write_file(p, "QF", 2);
	assert_err(inspect(p, "qcow2", NULL, &in), "truncated qcow2 header");
	/* backing name beyond the end of the file */
	write_qcow2(p, (struct qopt){ .backing = "base.qcow2", .truncate_to = 1030 });
	assert_err(inspect(p, "qcow2", NULL, &in), "truncated qcow2 header");

	write_file(p, "", 0);
	assert_int_equal(inspect(p, "qcow2", NULL, &in), -1);
	snprintf(msg, sizeof(msg), "image %s: empty file", p);
	assert_string_equal(cfg_err_msg(), msg);
	assert_err(inspect(p, "raw", NULL, &in), "empty file");

	const char *m = tpath("missing.qcow2");
	assert_int_equal(inspect(m, "qcow2", NULL, &in), -1);
	snprintf(msg, sizeof(msg), "image %s: file does not exist", m);
	assert_string_equal(cfg_err_msg(), msg);

	assert_int_equal(mkdir(tpath("dir.qcow2"), 0755), 0);
	assert_err(inspect(tpath("dir.qcow2"), "qcow2", NULL, &in), "is a directory");
	assert_err(inspect("/dev/null", NULL, NULL, &in), "not a regular file");
}

static bool perm_check(const char *p)
{
	struct vnfimg_info in;
	char msg[PATH_MAX + 100];
	snprintf(msg, sizeof(msg), "image %s: cannot read: Permission denied", p);
	return inspect(p, "qcow2", NULL, &in) == -1 && strcmp(cfg_err_msg(), msg) == 0;
}

static void test_permission_denied(void **state)
{
	(void)state;
	const char *p = tpath("secret.qcow2");
	write_qcow2(p, (struct qopt){ 0 });
	assert_int_equal(chmod(p, 0), 0);
	if (geteuid() != 0) {
		assert_true(perm_check(p));
		return;
	}
	/* root reads anyway: check as nobody in a child */
	assert_int_equal(chmod(tdir, 0755), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(2);
		_exit(perm_check(p) ? 0 : 1);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_backing_inside(void **state)
{
	(void)state;
	struct vnfimg_info in;
	char real[PATH_MAX];
	write_qcow2(tpath("base.qcow2"), (struct qopt){ .size = 1ull << 30 });
	write_qcow2(tpath("top.qcow2"), (struct qopt){ .size = 1ull << 30, .backing = "base.qcow2",
						       .backing_fmt = "qcow2" });
	assert_int_equal(inspect(tpath("top.qcow2"), "qcow2", tdir, &in), 0);
	assert_string_equal(in.backing_file, "base.qcow2");
	assert_string_equal(in.backing_format, "qcow2");
	assert_non_null(realpath(tpath("base.qcow2"), real));
	assert_string_equal(in.backing_path, real);
	assert_int_equal(in.chain_depth, 1);
	/* absolute backing name, raw backing, no format extension */
	char data[1024] = { 1 };
	write_file(tpath("base.raw"), data, sizeof(data));
	write_qcow2(tpath("top2.qcow2"), (struct qopt){ .backing = tpath("base.raw") });
	assert_int_equal(inspect(tpath("top2.qcow2"), "qcow2", tdir, &in), 0);
	assert_int_equal(in.chain_depth, 1);
	/* a two-level chain in a subdirectory of the image dir */
	assert_int_equal(mkdir(tpath("sub"), 0755), 0);
	write_qcow2(tpath("sub/mid.qcow2"), (struct qopt){ .backing = "../base.qcow2" });
	write_qcow2(tpath("sub/top.qcow2"), (struct qopt){ .backing = "mid.qcow2" });
	assert_int_equal(inspect(tpath("sub/top.qcow2"), "qcow2", tdir, &in), 0);
	assert_int_equal(in.chain_depth, 2);
	/* ...but not inside sub/ alone */
	assert_err(inspect(tpath("sub/top.qcow2"), "qcow2", tpath("sub"), &in), "is outside");
}

static void test_backing_outside(void **state)
{
	(void)state;
	struct vnfimg_info in;
	char msg[2 * PATH_MAX];
	const char *p = tpath("evil.qcow2");
	write_qcow2(p, (struct qopt){ .backing = "/etc/passwd" });
	assert_int_equal(inspect(p, "qcow2", tdir, &in), -1);
	snprintf(msg, sizeof(msg), "image %s: backing file /etc/passwd is outside %s", p, tdir);
	assert_string_equal(cfg_err_msg(), msg);
	/* without an image dir the chain is still parsed: /etc/passwd is raw */
	assert_int_equal(inspect(p, "qcow2", NULL, &in), 0);
	assert_string_equal(in.backing_path, "/etc/passwd");

	write_qcow2(p, (struct qopt){ .backing = "../../../../../../etc/passwd" });
	assert_err(inspect(p, "qcow2", tdir, &in), "backing file /etc/passwd is outside");
	/* a symlink inside the dir pointing out */
	assert_int_equal(symlink("/etc/passwd", tpath("link.raw")), 0);
	write_qcow2(p, (struct qopt){ .backing = "link.raw" });
	assert_err(inspect(p, "qcow2", tdir, &in), "backing file /etc/passwd is outside");
	/* missing */
	write_qcow2(p, (struct qopt){ .backing = "gone.qcow2" });
	assert_err(inspect(p, "qcow2", tdir, &in), "gone.qcow2 does not exist");
	/* protocols never */
	write_qcow2(p, (struct qopt){ .backing = "nbd://192.0.2.1:10809/x" });
	assert_err(inspect(p, "qcow2", NULL, &in), "uses a protocol");
	write_qcow2(p, (struct qopt){ .backing = "json:{\"file.driver\":\"http\"}" });
	assert_err(inspect(p, "qcow2", NULL, &in), "uses a protocol");
	/* unsupported backing format */
	write_qcow2(tpath("b.qcow2"), (struct qopt){ 0 });
	write_qcow2(p, (struct qopt){ .backing = "b.qcow2", .backing_fmt = "vmdk" });
	assert_err(inspect(p, "qcow2", tdir, &in), "unsupported format vmdk");
	/* the image dir itself must exist */
	assert_err(inspect(p, "qcow2", tpath("nodir"), &in), "image directory");
}

static void test_backing_chain(void **state)
{
	(void)state;
	struct vnfimg_info in;
	/* loop a -> b -> a, and a self loop */
	write_qcow2(tpath("a.qcow2"), (struct qopt){ .backing = "b.qcow2" });
	write_qcow2(tpath("b.qcow2"), (struct qopt){ .backing = "a.qcow2" });
	assert_err(inspect(tpath("a.qcow2"), "qcow2", tdir, &in), "backing chain loop");
	write_qcow2(tpath("self.qcow2"), (struct qopt){ .backing = "self.qcow2" });
	assert_err(inspect(tpath("self.qcow2"), "qcow2", tdir, &in), "backing chain loop");
	/* chain of exactly 8 backing files is fine, 9 is not */
	char name[32], back[32];
	write_qcow2(tpath("c0.qcow2"), (struct qopt){ 0 });
	for (int i = 1; i <= 9; i++) {
		snprintf(name, sizeof(name), "c%d.qcow2", i);
		snprintf(back, sizeof(back), "c%d.qcow2", i - 1);
		write_qcow2(tpath(name), (struct qopt){ .backing = back, .backing_fmt = "qcow2" });
	}
	assert_int_equal(inspect(tpath("c8.qcow2"), "qcow2", tdir, &in), 0);
	assert_int_equal(in.chain_depth, 8);
	assert_err(inspect(tpath("c9.qcow2"), "qcow2", tdir, &in), "backing chain longer than 8");
	/* a broken header deep in the chain names the file */
	write_file(tpath("broken.qcow2"), "garbage!", 8);
	write_qcow2(tpath("m.qcow2"), (struct qopt){ .backing = "broken.qcow2", .backing_fmt = "qcow2" });
	write_qcow2(tpath("t.qcow2"), (struct qopt){ .backing = "m.qcow2" });
	assert_int_equal(inspect(tpath("t.qcow2"), "qcow2", tdir, &in), -1);
	assert_non_null(strstr(cfg_err_msg(), "broken.qcow2: not a qcow2 image (bad magic)"));
	assert_non_null(strstr(cfg_err_msg(), "m.qcow2: backing file"));
}

static void test_qemu_img(void **state)
{
	(void)state;
	if (access(QEMU_IMG, X_OK) != 0)
		skip();
	struct vnfimg_info in;
	char *c1[] = { QEMU_IMG, "create", "-q", "-f", "qcow2", tpath("qi.qcow2"), "1G", NULL };
	assert_int_equal(run(c1), 0);
	assert_int_equal(inspect(tpath("qi.qcow2"), "qcow2", tdir, &in), 0);
	assert_int_equal(in.qcow2_version, 3);
	assert_int_equal(in.virtual_size, 1ull << 30);
	assert_int_equal(in.cluster_bits, 16);

	char *c2[] = { QEMU_IMG, "create", "-q", "-f", "qcow2", "-o", "compat=0.10",
		       tpath("qi2.qcow2"), "64M", NULL };
	assert_int_equal(run(c2), 0);
	assert_int_equal(inspect(tpath("qi2.qcow2"), "qcow2", tdir, &in), 0);
	assert_int_equal(in.qcow2_version, 2);
	assert_int_equal(in.virtual_size, 64ull << 20);

	char *c3[] = { QEMU_IMG, "create", "-q", "-f", "qcow2", "-b", "qi.qcow2", "-F", "qcow2",
		       tpath("qov.qcow2"), NULL };
	assert_int_equal(run(c3), 0);
	assert_int_equal(inspect(tpath("qov.qcow2"), "qcow2", tdir, &in), 0);
	assert_string_equal(in.backing_file, "qi.qcow2");
	assert_string_equal(in.backing_format, "qcow2");
	assert_int_equal(in.chain_depth, 1);
	assert_int_equal(in.virtual_size, 1ull << 30);

	char *c4[] = { QEMU_IMG, "create", "-q", "-f", "raw", tpath("qr.raw"), "32M", NULL };
	assert_int_equal(run(c4), 0);
	assert_int_equal(inspect(tpath("qr.raw"), "raw", tdir, &in), 0);
	assert_int_equal(in.virtual_size, 32ull << 20);
	assert_true(in.actual_size < in.virtual_size); /* sparse */
	/* a raw image declared qcow2 */
	assert_err(inspect(tpath("qr.raw"), "qcow2", tdir, &in), "not a qcow2 image (bad magic)");
}

/* ---- checksums ---------------------------------------------------------------- */

#define ABC_SHA256 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define ABC_MD5 "900150983cd24fb0d6963f7d28e17f72"

static void test_checksum(void **state)
{
	(void)state;
	char st[32];
	const char *p = tpath("abc.img");
	char side[PATH_MAX + 8];
	write_file(p, "abc", 3);
	assert_int_equal(vnfimg_checksum_state(p, st, sizeof(st)), 0);
	assert_string_equal(st, "none");

	snprintf(side, sizeof(side), "%s.md5", p);
	write_file(side, ABC_MD5 "  abc.img\n", strlen(ABC_MD5) + 10);
	assert_int_equal(vnfimg_checksum_state(p, st, sizeof(st)), 0);
	assert_string_equal(st, "verified (md5)");
	write_file(side, "00000000000000000000000000000000\n", 33);
	assert_int_equal(vnfimg_checksum_state(p, st, sizeof(st)), 0);
	assert_string_equal(st, "MISMATCH (md5)");

	/* sha256 wins over md5 */
	snprintf(side, sizeof(side), "%s.sha256", p);
	write_file(side, ABC_SHA256 " *abc.img\n", strlen(ABC_SHA256) + 10);
	assert_int_equal(vnfimg_checksum_state(p, st, sizeof(st)), 0);
	assert_string_equal(st, "verified (sha256)");
	/* upper case, digest alone, no newline */
	char up[65];
	for (int i = 0; i < 64; i++)
		up[i] = (char)(ABC_SHA256[i] >= 'a' ? ABC_SHA256[i] - 32 : ABC_SHA256[i]);
	write_file(side, up, 64);
	assert_int_equal(vnfimg_checksum_state(p, st, sizeof(st)), 0);
	assert_string_equal(st, "verified (sha256)");
	/* BSD style */
	const char *bsd = "SHA256 (abc.img) = " ABC_SHA256 "\n";
	write_file(side, bsd, strlen(bsd));
	assert_int_equal(vnfimg_checksum_state(p, st, sizeof(st)), 0);
	assert_string_equal(st, "verified (sha256)");

	/* the image changes: the cached state must not be reused */
	write_file(p, "abd", 3);
	assert_int_equal(vnfimg_checksum_state(p, st, sizeof(st)), 0);
	assert_string_equal(st, "MISMATCH (sha256)");
	write_file(p, "abc", 3);
	assert_int_equal(vnfimg_checksum_state(p, st, sizeof(st)), 0);
	assert_string_equal(st, "verified (sha256)");

	/* malformed sidecar */
	write_file(side, "deadbeef  abc.img\n", 18);
	assert_int_equal(vnfimg_checksum_state(p, st, sizeof(st)), -1);
	assert_non_null(strstr(cfg_err_msg(), "no sha256 digest"));
	write_file(side, "", 0);
	assert_int_equal(vnfimg_checksum_state(p, st, sizeof(st)), -1);
	/* sidecar but no image */
	snprintf(side, sizeof(side), "%s.sha256", tpath("ghost.img"));
	write_file(side, ABC_SHA256 "\n", 65);
	assert_int_equal(vnfimg_checksum_state(tpath("ghost.img"), st, sizeof(st)), -1);
	assert_non_null(strstr(cfg_err_msg(), "file does not exist"));
}

/* ---- listing ---------------------------------------------------------------- */

static const char *line_of(const char *text, const char *prefix, char *line, size_t n)
{
	size_t pl = strlen(prefix);
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len >= pl && strncmp(p, prefix, pl) == 0) {
			snprintf(line, n, "%.*s", (int)len, p);
			return line;
		}
		p = e ? e + 1 : NULL;
	}
	fail_msg("no line starting with \"%s\" in:\n%s", prefix, text);
	return NULL;
}

static void test_list(void **state)
{
	(void)state;
	char side[PATH_MAX + 8], line[512];
	assert_int_equal(mkdir(tpath("store"), 0755), 0);
	write_qcow2(tpath("store/vrtr1.qcow2"), (struct qopt){ .size = 1ull << 30 });
	char hex[65];
	assert_int_equal(vnfimg_hash_file(tpath("store/vrtr1.qcow2"), VNFIMG_HASH_SHA256, hex,
					  sizeof(hex)), 0);
	snprintf(side, sizeof(side), "%s.sha256", tpath("store/vrtr1.qcow2"));
	char sc[128];
	snprintf(sc, sizeof(sc), "%s  vrtr1.qcow2\n", hex);
	write_file(side, sc, strlen(sc));
	write_qcow2(tpath("store/overlay.qcow2"), (struct qopt){ .backing = "vrtr1.qcow2",
								   .backing_fmt = "qcow2" });
	char data[2048] = { 0 };
	write_file(tpath("store/disk.img"), data, sizeof(data));
	write_file(tpath("store/junk.qcow2"), "nope", 4);
	write_qcow2(tpath("store/escape.qcow2"), (struct qopt){ .backing = "/etc/passwd" });
	write_file(tpath("store/notes.txt"), "x", 1);
	write_file(tpath("store/.hidden.qcow2"), "x", 1);

	struct cfg_buf b;
	cfg_buf_init(&b);
	assert_int_equal(vnfimg_list(tpath("store"), &b), 0);
	const char *t = b.p;
	assert_non_null(t);
	/* header first */
	assert_true(strncmp(t, "Image                          Format  Virtual size  Actual size  Backing"
			       "               Checksum\n", 95) == 0);
	line_of(t, "vrtr1.qcow2 ", line, sizeof(line));
	assert_non_null(strstr(line, " qcow2 "));
	assert_non_null(strstr(line, "1.0 GiB"));
	assert_non_null(strstr(line, "verified (sha256)"));
	line_of(t, "overlay.qcow2 ", line, sizeof(line));
	assert_non_null(strstr(line, " vrtr1.qcow2 "));
	assert_non_null(strstr(line, "none"));
	line_of(t, "disk.img ", line, sizeof(line));
	assert_non_null(strstr(line, " raw "));
	assert_non_null(strstr(line, "2.0 KiB"));
	line_of(t, "junk.qcow2 ", line, sizeof(line));
	assert_non_null(strstr(t, "    error: image "));
	assert_non_null(strstr(t, "junk.qcow2: not a qcow2 image (bad magic)"));
	assert_non_null(strstr(t, "escape.qcow2: backing file /etc/passwd is outside"));
	assert_null(strstr(t, "notes.txt"));
	assert_null(strstr(t, "hidden"));
	assert_null(strstr(t, ".sha256"));
	/* sorted by name */
	assert_true(strstr(t, "disk.img") < strstr(t, "escape.qcow2"));
	assert_true(strstr(t, "overlay.qcow2") < strstr(t, "vrtr1.qcow2"));
	cfg_buf_free(&b);

	/* empty directory: header only */
	assert_int_equal(mkdir(tpath("empty"), 0755), 0);
	cfg_buf_init(&b);
	assert_int_equal(vnfimg_list(tpath("empty"), &b), 0);
	assert_int_equal(strchr(b.p, '\n') - b.p + 1, (long)b.len);
	cfg_buf_free(&b);

	cfg_buf_init(&b);
	assert_int_equal(vnfimg_list(tpath("nodir"), &b), -1);
	assert_non_null(strstr(cfg_err_msg(), "No such file or directory"));
	cfg_buf_free(&b);
}

static void test_format_size(void **state)
{
	(void)state;
	char s[32];
	vnfimg_format_size(0, s, sizeof(s));
	assert_string_equal(s, "0 B");
	vnfimg_format_size(1023, s, sizeof(s));
	assert_string_equal(s, "1023 B");
	vnfimg_format_size(1024, s, sizeof(s));
	assert_string_equal(s, "1.0 KiB");
	vnfimg_format_size(13841203, s, sizeof(s));
	assert_string_equal(s, "13.2 MiB");
	vnfimg_format_size(1ull << 30, s, sizeof(s));
	assert_string_equal(s, "1.0 GiB");
	vnfimg_format_size((1ull << 30) - 1, s, sizeof(s));
	assert_string_equal(s, "1.0 GiB");
	vnfimg_format_size(5ull << 40, s, sizeof(s));
	assert_string_equal(s, "5.0 TiB");
}

/* Host paths confined to the image directories, after realpath, on a
 * directory boundary. */
static void test_confine(void **state)
{
	(void)state;
	char real[VNFIMG_PATH_MAX], img[PATH_MAX], other[PATH_MAX], evil[PATH_MAX];
	snprintf(img, sizeof img, "%s", tpath("images"));
	snprintf(other, sizeof other, "%s", tpath("more"));
	snprintf(evil, sizeof evil, "%s", tpath("images-evil"));
	assert_int_equal(mkdir(img, 0755), 0);
	assert_int_equal(mkdir(other, 0755), 0);
	assert_int_equal(mkdir(evil, 0755), 0);
	const char *dirs[] = {img, other};
	char p[2 * PATH_MAX];
	snprintf(p, sizeof p, "%s/a.qcow2", img);
	write_file(p, "x", 1);
	assert_int_equal(vnfimg_confine("image", p, dirs, 2, real), 0);
	assert_string_equal(real, p);
	snprintf(p, sizeof p, "%s/b.img", other);
	write_file(p, "x", 1);
	assert_int_equal(vnfimg_confine("storage", p, dirs, 2, real), 1);
	/* a file still to come: judged by its directory */
	snprintf(p, sizeof p, "%s/later.img", img);
	assert_int_equal(vnfimg_confine("storage", p, dirs, 2, real), 0);
	/* outside, by name, by .., through symlinks, past a shared prefix */
	assert_err(vnfimg_confine("storage vdb source file", "/etc/shadow", dirs, 2, real),
		   "storage vdb source file /etc/shadow is outside the image directories");
	snprintf(p, sizeof p, "%s/../a.qcow2", img);
	write_file(tpath("a.qcow2"), "x", 1);
	assert_err(vnfimg_confine("image", p, dirs, 1, real), "is outside the image directory");
	snprintf(p, sizeof p, "%s/shadow", img);
	assert_int_equal(symlink("/etc/shadow", p), 0);
	assert_err(vnfimg_confine("image", p, dirs, 1, real), "(/etc/shadow) is outside");
	snprintf(p, sizeof p, "%s/etc", img);
	assert_int_equal(symlink("/etc", p), 0);
	snprintf(p, sizeof p, "%s/etc/passwd", img);
	assert_err(vnfimg_confine("config-data file", p, dirs, 1, real), "(/etc/passwd) is outside");
	snprintf(p, sizeof p, "%s/x.qcow2", evil);
	write_file(p, "x", 1);
	assert_err(vnfimg_confine("image", p, dirs, 2, real), "is outside");
	/* the directory itself, relative paths, no directory at all */
	assert_err(vnfimg_confine("image", img, dirs, 1, real), "is a directory");
	assert_err(vnfimg_confine("image", "a.qcow2", dirs, 1, real), "not an absolute path");
	const char *none[] = {"/nonexistent-nfx-dir"};
	assert_err(vnfimg_confine("image", "/etc/passwd", none, 1, real), "no image directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_md5_vectors),
		cmocka_unit_test(test_hash_streaming_splits),
		cmocka_unit_test_setup_teardown(test_hash_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qcow2_v2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qcow2_v3, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qcow2_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permission_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backing_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backing_outside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backing_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_img, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checksum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confine, setup, teardown),
		cmocka_unit_test(test_format_size),
	};
	return cmocka_run_group_tests_name("vnfimg", tests, NULL, NULL);
}
