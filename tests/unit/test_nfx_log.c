/* nfx_log: "IDENT: message" lines on stderr (./nfx up's state-dir logs), and
 * every message also as a syslog datagram ("<PRI>Mmm dd hh:mm:ss
 * IDENT[PID]: message", one line) to STATE/syslog/log when something listens
 * there (the appliance's rsyslogd); nothing listening costs nothing.
 */
#include "test_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "nfx_log.h"

static void to_stderr_and_the_appliance_syslog(void **state)
{
	(void)state;
	char dir[] = "/tmp/nfx-ut-log.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[64], sock[96], errf[64];
	snprintf(sub, sizeof sub, "%s/syslog", dir);
	snprintf(sock, sizeof sock, "%s/%s", dir, NFX_LOG_SOCKET);
	snprintf(errf, sizeof errf, "%s/err", dir);
	assert_int_equal(mkdir(sub, 0700), 0);

	/* nothing listens yet: the message only goes to stderr */
	unsetenv("NFX_LOG");
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	FILE *ef = freopen(errf, "w", stderr);
	assert_non_null(ef);
	nfx_log_open("testd", dir);
	assert_int_equal(nfx_log_to_syslog(), 0);
	nfx_log(LOG_ERR, "before %d", 1);

	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", sock);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	nfx_log(LOG_NOTICE | NFX_LOG_INTERACTIVE, "UI_COMMIT: two\nlines");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);

	char buf[512];
	ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	char want[64];
	snprintf(want, sizeof want, " testd[%ld]: UI_COMMIT: two lines", (long)getpid());
	assert_int_equal(strncmp(buf, "<189>", 5), 0); /* local7 (23) * 8 + notice (5) */
	assert_non_null(strstr(buf, want));
	assert_int_equal(recv(fd, buf, sizeof buf, MSG_DONTWAIT), -1); /* only the one */
	close(fd);

	FILE *f = fopen(errf, "r");
	assert_non_null(f);
	n = (ssize_t)fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, "testd: before 1\ntestd: UI_COMMIT: two\nlines\n");
	unlink(errf);
	unlink(sock);
	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(to_stderr_and_the_appliance_syslog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
