/* cfg_term — a program on a pty as a CLI stream. See cfg_term.h. */
#include "cfg_term.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cfg_err.h"
#include "cfg_session.h"

struct term {
	struct cfg_daemon *d;
	struct cfg_session *s;
	int fd;    /* pty master */
	pid_t pid; /* the program, 0 once reaped */
};

/* Stop the program (if still running), release everything. */
static void term_close(struct term *t)
{
	if (t->fd >= 0) {
		cfg_daemon_unwatch(t->d, t->fd);
		close(t->fd);
		t->fd = -1;
	}
	if (t->pid > 0) {
		kill(t->pid, SIGHUP);
		for (int i = 0; i < 50 && waitpid(t->pid, NULL, WNOHANG) == 0; i++)
			usleep(10000);
		if (waitpid(t->pid, NULL, WNOHANG) == 0) {
			kill(t->pid, SIGKILL);
			waitpid(t->pid, NULL, 0);
		}
		t->pid = 0;
	}
}

static void term_input(void *ctx, const void *data, size_t len)
{
	struct term *t = ctx;
	const char *p = data;
	while (len > 0 && t->fd >= 0) {
		ssize_t w = write(t->fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* the program does not read: drop the keystrokes */
		p += w;
		len -= (size_t)w;
	}
}

/* The stream ended, whatever ended it: stop the program, free. */
static void term_end(void *ctx)
{
	struct term *t = ctx;
	term_close(t);
	free(t);
}

static const struct cfg_session_stream_ops term_ops = {term_input, term_end};

static void term_readable(void *ctx, int fd, short revents)
{
	struct term *t = ctx;
	(void)revents;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);
	if (n > 0) {
		cfg_session_stream_output(t->s, buf, (size_t)n);
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	/* EOF or EIO: the program closed the terminal (it exited) */
	int st = 0, status = 0;
	if (t->pid > 0 && waitpid(t->pid, &st, 0) == t->pid) {
		t->pid = 0;
		status = WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
	}
	cfg_session_stream_finish(t->s, status, NULL); /* runs term_end: T is gone */
}

int cfg_term_start(struct cfg_cmd *c, const char *const *argv)
{
	return cfg_term_start_env(c, argv, NULL, NULL, NULL);
}

int cfg_term_start_env(struct cfg_cmd *c, const char *const *argv, const char *const *envp,
                       int (*setup)(void *arg), void *arg)
{
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	int fd;
	pid_t pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid < 0)
		return cfg_err_set("cannot open a terminal: %s", strerror(errno));
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		closefrom(3);
		if (setup && setup(arg) != 0)
			_exit(126);
		if (envp)
			execve(argv[0], (char *const *)argv, (char *const *)envp);
		else
			execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	struct term *t = calloc(1, sizeof *t);
	if (!t)
		abort();
	*t = (struct term){.d = c->d, .s = c->s, .fd = fd, .pid = pid};
	if (cfg_session_stream_begin(c->s, &term_ops, t) < 0) {
		term_close(t);
		free(t);
		return -1;
	}
	cfg_daemon_watch(c->d, fd, POLLIN, term_readable, t);
	return 0;
}
