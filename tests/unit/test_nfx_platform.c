/* nfx_platform: the default table, unknown keys kept for their readers,
 * comments and blanks, and every kind of malformed line rejected with its
 * FILE:LINE. */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nfx_platform.h"

static struct nfx_platform *parse(const char *text)
{
	return nfx_platform_parse(text, strlen(text), "pf.conf");
}

static void test_default(void **state)
{
	(void)state;
	const char *t = nfx_platform_default_text();
	struct nfx_platform *p = parse(t);
	assert_non_null(p);
	assert_int_equal(nfx_platform_count(p), 18);
	assert_string_equal(nfx_platform_at(p, 0)->name, "ge-0/0/0");
	assert_string_equal(nfx_platform_ifname(p, "ge-0/0/11"), "ge-0-0-11");
	assert_string_equal(nfx_platform_ifname(p, "xe-0/0/13"), "xe-0-0-13");
	assert_string_equal(nfx_platform_ifname(p, "sxe-0/0/1"), "sxe1");
	assert_string_equal(nfx_platform_get(nfx_platform_find(p, "sxe-0/0/0"), "peer"), "hsxe0");
	assert_null(nfx_platform_get(nfx_platform_find(p, "hsxe0"), "peer"));
	assert_string_equal(nfx_platform_get(nfx_platform_find(p, "hsxe1"), "vfs"), "8");
	assert_string_equal(nfx_platform_get(nfx_platform_find(p, "hsxe1"), "vf-mode"), "emulated");
	assert_string_equal(nfx_platform_find_ifname(p, "hsxe1")->name, "hsxe1");
	assert_string_equal(nfx_platform_peer_of(p, "hsxe1")->name, "sxe-0/0/1");
	assert_null(nfx_platform_peer_of(p, "sxe1"));
	assert_null(nfx_platform_find(p, "ge-0/0/12"));
	assert_null(nfx_platform_ifname(p, "nope"));
	assert_null(nfx_platform_at(p, 18));
	nfx_platform_free(p);
	nfx_platform_free(NULL);
}

static void test_keys_comments(void **state)
{
	(void)state;
	struct nfx_platform *p = parse("# the box\n"
	                               "\n"
	                               "   ge-0/0/0\tge0   # front\n"
	                               "hsxe0 hsxe0 vfs 8 vf-mode emulated pci 0000:03:00.0\r\n"
	                               "hsxe1 hsxe1"); /* no newline at the end */
	assert_non_null(p);
	assert_int_equal(nfx_platform_count(p), 3);
	const struct nfx_platform_port *h = nfx_platform_find(p, "hsxe0");
	assert_int_equal(h->line, 4);
	assert_int_equal(nfx_platform_nkeys(h), 3);
	assert_string_equal(nfx_platform_get(h, "vfs"), "8");
	assert_string_equal(nfx_platform_get(h, "vf-mode"), "emulated");
	assert_string_equal(nfx_platform_get(h, "pci"), "0000:03:00.0");
	assert_null(nfx_platform_get(h, "mtu"));
	const char *k, *v;
	assert_int_equal(nfx_platform_key_at(h, 1, &k, &v), 0);
	assert_string_equal(k, "vf-mode");
	assert_string_equal(v, "emulated");
	assert_int_equal(nfx_platform_key_at(h, 3, &k, &v), -1);
	assert_int_equal(nfx_platform_nkeys(nfx_platform_find(p, "ge-0/0/0")), 0);
	assert_string_equal(nfx_platform_ifname(p, "ge-0/0/0"), "ge0");
	nfx_platform_free(p);

	p = parse("");
	assert_non_null(p);
	assert_int_equal(nfx_platform_count(p), 0);
	nfx_platform_free(p);
}

static void expect_error(const char *text, const char *msg)
{
	struct nfx_platform *p = parse(text);
	if (p)
		fail_msg("accepted: %s", text);
	if (strcmp(cfg_err_msg(), msg))
		fail_msg("for %s: got '%s', want '%s'", text, cfg_err_msg(), msg);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("ge-0/0/0 ge0\nge-0/0/1\n", "pf.conf:2: 'ge-0/0/1' has no interface (NAME IFNAME [KEY VALUE]...)");
	expect_error("# c\n\nhsxe0 hsxe0 vfs\n", "pf.conf:3: key 'vfs' has no value");
	expect_error("a x\nb y\na z\n", "pf.conf:3: port a is already defined on line 1");
	expect_error("a x\nb x\n", "pf.conf:2: interface x is already used by a on line 1");
	expect_error("a x k 1 k 2\n", "pf.conf:1: key 'k' given twice");
	expect_error("a this-is-far-too-long0\n",
	             "pf.conf:1: 'this-is-far-too-long0' is not a Linux interface name (1..15 of A-Z a-z 0-9 . _ -)");
	expect_error("a ge/0\n", "pf.conf:1: 'ge/0' is not a Linux interface name (1..15 of A-Z a-z 0-9 . _ -)");
	expect_error("a b peer x/y\n", "pf.conf:1: peer 'x/y' is not a Linux interface name");
	expect_error("a b peer c cable fibre\n", "pf.conf:1: cable 'fibre' is neither veth nor patch");
	expect_error("a b cable patch\n", "pf.conf:1: cable without a peer");
	struct nfx_platform *p = nfx_platform_parse("a b\0c d\n", 8, "pf.conf");
	assert_null(p);
	assert_string_equal(cfg_err_msg(), "pf.conf:1: NUL byte in the line");
}

static void test_load(void **state)
{
	(void)state;
	char path[] = "/tmp/nfx-ut-platform.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *t = "ge-0/0/2 ge-0-0-2\nbad\n";
	assert_int_equal(write(fd, t, strlen(t)), (ssize_t)strlen(t));
	close(fd);
	assert_null(nfx_platform_load(path));
	char want[256];
	snprintf(want, sizeof want, "%s:2: 'bad' has no interface (NAME IFNAME [KEY VALUE]...)", path);
	assert_string_equal(cfg_err_msg(), want);
	unlink(path);
	assert_null(nfx_platform_load(path));
	assert_non_null(strstr(cfg_err_msg(), "cannot read platform file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_keys_comments),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
