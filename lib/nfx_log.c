/* nfx_log — see nfx_log.h. */
#include "nfx_log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char ident[64] = "nfx";
static int use_syslog;
static struct sockaddr_un app_addr; /* the appliance's syslog (sun_path "" = none) */
static int app_fd = -1;

void nfx_log_open(const char *id, const char *state_dir)
{
	pthread_mutex_lock(&mu);
	snprintf(ident, sizeof ident, "%s", id && *id ? id : "nfx");
	const char *e = getenv("NFX_LOG");
	use_syslog = e && !strcmp(e, "syslog");
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	memset(&app_addr, 0, sizeof app_addr);
	app_addr.sun_family = AF_UNIX;
	if (state_dir && *state_dir &&
	    (size_t)snprintf(app_addr.sun_path, sizeof app_addr.sun_path, "%s/%s", state_dir,
	                     NFX_LOG_SOCKET) >= sizeof app_addr.sun_path)
		app_addr.sun_path[0] = '\0';
	pthread_mutex_unlock(&mu);
}

int nfx_log_to_syslog(void)
{
	return use_syslog;
}

/* The message as syslog(3) sends it to /dev/log: "<PRI>Mmm dd hh:mm:ss IDENT[PID]: MSG". */
static void send_app(int pri, const char *msg)
{
	if (!app_addr.sun_path[0])
		return;
	if (app_fd < 0)
		app_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (app_fd < 0)
		return;
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%b %e %H:%M:%S", &tm);
	char buf[2048];
	int n = snprintf(buf, sizeof buf, "<%d>%s %s[%ld]: %s", pri, ts, ident, (long)getpid(), msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	sendto(app_fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)&app_addr,
	       sizeof app_addr);
}

void nfx_logv(int pri, const char *fmt, va_list ap)
{
	if (!(pri & LOG_FACMASK))
		pri |= LOG_DAEMON;
	char msg[1536];
	int saved = errno;
	vsnprintf(msg, sizeof msg, fmt, ap);
	errno = saved;
	pthread_mutex_lock(&mu);
	if (!use_syslog)
		fprintf(stderr, "%s: %s\n", ident, msg);
	/* one record per message: a multi-line message (commit findings) stays one */
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (use_syslog)
		syslog(pri, "%s", msg);
	send_app(pri, msg);
	pthread_mutex_unlock(&mu);
}

void nfx_log(int pri, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	nfx_logv(pri, fmt, ap);
	va_end(ap);
}
