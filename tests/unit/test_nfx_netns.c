/* nfx_netns: a process is "in a namespace nfx made" only when its network
 * namespace is one of /run/netns/NAME; an anonymous namespace (unshare) and
 * any unreadable case are not; NFX_ALLOW_HOST_NETNS lets an installed box
 * network in its own. Needs root for unshare(CLONE_NEWNET) (skipped else). */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "nfx_netns.h"

static void test_anonymous_namespace_is_not_ours(void **st)
{
	(void)st;
	if (geteuid() != 0)
		skip();
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	unsetenv("NFX_ALLOW_HOST_NETNS");
	assert_false(nfx_netns_own());
	assert_false(nfx_netns_may_network());
	setenv("NFX_ALLOW_HOST_NETNS", "0", 1);
	assert_false(nfx_netns_may_network());
	setenv("NFX_ALLOW_HOST_NETNS", "1", 1);
	assert_true(nfx_netns_may_network());
	unsetenv("NFX_ALLOW_HOST_NETNS");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anonymous_namespace_is_not_ours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
