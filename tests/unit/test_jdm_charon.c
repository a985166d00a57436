/* Unit tests of jdm_charon's pure parts: strongswan.conf for each ESP mode
 * and fwmark, and the argument checks of jdm_charon_new(). Starting charon
 * is tests/integration/test_charon.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cfg_err.h"
#include "jdm_charon.h"

static void test_conf_kernel(void **state)
{
	(void)state;
	struct jdm_charon_opts o = {.name = "ipsec-nm", .state_dir = "/var/lib/nfx", .own_netns = true};
	char *s = jdm_charon_conf(&o, JDM_CHARON_ESP_KERNEL);
	assert_non_null(strstr(s, "load_modular = no"));
	assert_non_null(strstr(s, "pubkey kernel-netlink socket-default vici\n"));
	assert_null(strstr(s, "libipsec"));
	assert_non_null(strstr(s, " kdf "));
	assert_non_null(strstr(s, "vici { socket = unix:///var/lib/nfx/ipsec-nm/vici }"));
	assert_non_null(strstr(s, "path = /var/lib/nfx/ipsec-nm/charon.log"));
	assert_non_null(strstr(s, "default = 1\n"));
	assert_null(strstr(s, "fwmark"));
	/* never a level that prints keys */
	assert_null(strstr(s, "= 4"));
	assert_null(strstr(s, "enc ="));
	free(s);
}

static void test_conf_libipsec_fwmark(void **state)
{
	(void)state;
	struct jdm_charon_opts o = {.name = "l2ext", .state_dir = "/s", .fwmark = 0x42};
	char *s = jdm_charon_conf(&o, JDM_CHARON_ESP_LIBIPSEC);
	assert_non_null(strstr(s, "pubkey kernel-libipsec kernel-netlink socket-default vici\n"));
	assert_non_null(strstr(s, "kernel-libipsec {\n      load = yes\n      allow_peer_ts = yes\n    }"));
	assert_non_null(strstr(s, "socket-default { fwmark = 0x42 }"));
	assert_non_null(strstr(s, "kernel-netlink { fwmark = !0x42 }"));
	free(s);
	o.fwmark = 0;
	s = jdm_charon_conf(&o, JDM_CHARON_ESP_LIBIPSEC);
	assert_null(strstr(s, "allow_peer_ts"));
	assert_null(strstr(s, "fwmark"));
	free(s);
}

static void test_new_checks(void **state)
{
	(void)state;
	struct jdm_charon_opts o = {.name = "a/b", .state_dir = "/s"};
	assert_null(jdm_charon_new(&o));
	o.name = "";
	assert_null(jdm_charon_new(&o));
	o.name = "ok";
	o.state_dir = "relative";
	assert_null(jdm_charon_new(&o));
	assert_non_null(strstr(cfg_err_msg(), "absolute"));
	o.state_dir = "/run/nfx";
	assert_null(jdm_charon_new(&o));
	assert_non_null(strstr(cfg_err_msg(), "/run"));
	char longdir[200];
	memset(longdir, 'x', sizeof longdir);
	longdir[0] = '/';
	longdir[sizeof longdir - 1] = 0;
	o.state_dir = longdir;
	assert_null(jdm_charon_new(&o));
	o.state_dir = "/tmp/x";
	struct jdm_charon *c = jdm_charon_new(&o);
	assert_non_null(c);
	assert_string_equal(jdm_charon_vici_path(c), "/tmp/x/ok/vici");
	assert_int_equal(jdm_charon_pid(c), -1);
	assert_int_equal(jdm_charon_netns_fd(c), -1);
	assert_false(jdm_charon_alive(c));
	assert_int_equal(jdm_charon_esp(c), JDM_CHARON_ESP_UNKNOWN);
	assert_int_equal(jdm_charon_stop(c), 0);
	jdm_charon_free(c);
	jdm_charon_free(NULL);
	assert_string_equal(jdm_charon_esp_name(JDM_CHARON_ESP_KERNEL), "kernel");
	assert_string_equal(jdm_charon_esp_name(JDM_CHARON_ESP_LIBIPSEC),
	                    "userspace (kernel-libipsec, UDP 4500)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conf_kernel),
	    cmocka_unit_test(test_conf_libipsec_fwmark),
	    cmocka_unit_test(test_new_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
