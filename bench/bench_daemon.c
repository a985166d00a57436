/* bench-config's daemon section: the operations of the library section the
 * way a user waits on them, through the real `cli` and the real `jdmd`.
 *
 * For each size, a fresh state directory (mkdtemp below the run's
 * directory, removed at the end) and a fresh jdmd:
 *   jdmd --state-dir DIR --hypervisor none      (NFX_HYPERVISOR=none, HOME=DIR)
 * With hypervisor none jdmd touches nothing outside DIR for this
 * configuration (no libvirt, no internal network, no hugepages; sshd,
 * accounts and jmgmt0 addresses only when the configuration has `system
 * services ssh`, `system login` or jmgmt0 addresses, which it has not), so
 * no network namespace is needed. Its commit hooks (validate + apply of
 * SSH/accounts and VNFs) are installed as in production.
 *
 * The cli processes (HOME=DIR, so no history file is written elsewhere):
 *   A  a long-lived `cli --socket DIR/jdm.sock` with its stdin and stdout on
 *      pipes (scripted mode, as a provisioning script drives it), in
 *      configuration mode: load set terminal + commit of the whole
 *      configuration, one-line commits, commit check;
 *   B  the same in operational mode: show configuration | display set;
 *   P  an interactive cli on a pseudo-terminal (GNU readline, TERM=dumb):
 *      one-line commits as typed, and TAB (its first press: the daemon
 *      answers the COMPLETE frame, readline inserts the common prefix);
 *   and one-shot processes: `cli` with "configure / set / commit" on its
 *   stdin, and `cli -c "show configuration | display set"` (a commit
 *   cannot go through -c: it runs one operational-mode command).
 * A command's time runs from writing its line to the cli until the cli has
 * written the end of its answer: with a pipe, the text a DONE frame makes
 * the cli print ("\n{master:0}[edit]\n", flushed with all the output before
 * it); on the terminal, the next prompt. One-shot times run from fork to
 * the exit of the process. Floors of the path: an empty line through A (one
 * round trip cli -> jdmd -> cli), `cli -c "show version"` (a process).
 *
 * Samples: median of --runs (default 9) for small operations, of
 * --load-runs (default 5) for load + commit of the whole configuration
 * (between two, `delete virtual-network-functions`, `delete host-os`,
 * `commit` empty the active configuration again, untimed).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

#define T_START 10.0   /* s: jdmd's socket */
#define T_CMD 30.0     /* s: one small command */
#define T_LOAD 300.0   /* s: load set terminal / commit of the whole config */

/* A cli process we drive. */
struct proc {
	pid_t pid;
	int in, out;            /* our ends (the same fd for a pty) */
	bool pty;
	struct cfg_buf got;     /* output since the last reset */
};

/* What ends a command: the output ends with END, and contains HAS (if
 * set) and, for a pty, the banner of the next prompt. */
struct want {
	const char *end;
	const char *has;
	size_t min_len;         /* at least this much output (0: any) */
};

static const struct want W_CFG = {"\n{master:0}[edit]\n", NULL, 0};
static const struct want W_OP = {"\n{master:0}\n", NULL, 0};

static bool done(const struct proc *p, const struct want *w)
{
	const struct cfg_buf *g = &p->got;
	if (g->len < w->min_len)
		return false;
	if (w->end) {
		size_t el = strlen(w->end);
		if (g->len < el || memcmp(g->p + g->len - el, w->end, el))
			return false;
	}
	if (p->pty && !memmem(g->p, g->len, "{master:0}", 10))
		return false;
	if (w->has && !memmem(g->p, g->len, w->has, strlen(w->has)))
		return false;
	return true;
}

/* ------------------------------------------------------------ processes */

/* Our environment without the variables we set, plus ADD (NULL-ended).
 * Returns a malloc'ed array of borrowed/ADD strings (free the array only). */
static char **child_env(const char *const *add)
{
	static const char *const drop[] = {"HOME=", "TERM=", "INPUTRC=", "NFX_HYPERVISOR=", "NFX_SOCKET=",
	                                   "NFX_CLI=", "COLUMNS=", "LINES=", "SSH_ORIGINAL_COMMAND=",
	                                   "SSH_CONNECTION=", NULL};
	size_t n = 0, na = 0;
	while (environ[n])
		n++;
	while (add[na])
		na++;
	char **e = calloc(n + na + 1, sizeof *e);
	if (!e)
		abort();
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool skip = false;
		for (size_t d = 0; drop[d] && !skip; d++)
			skip = !strncmp(environ[i], drop[d], strlen(drop[d]));
		if (!skip)
			e[k++] = environ[i];
	}
	for (size_t i = 0; i < na; i++)
		e[k++] = (char *)add[i];
	e[k] = NULL;
	return e;
}

/* fork + exec ARGV with ENV; the child's stdin/stdout/stderr are FD0/FD1/FD2
 * (or, with SLAVE, the pseudo-terminal of that name, made its controlling
 * terminal). The child has its own session and dies with us. PID or -1. */
static pid_t spawn(const char *const *argv, char **env, int fd0, int fd1, int fd2, const char *slave)
{
	pid_t self = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "bench-config: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid > 0)
		return pid;
	/* child: async-signal-safe calls only */
	setsid();
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != self)
		_exit(127);
	if (slave) {
		int s = open(slave, O_RDWR);
		if (s < 0)
			_exit(127);
		ioctl(s, TIOCSCTTY, 0);
		fd0 = fd1 = fd2 = s;
	}
	if (dup2(fd0, 0) < 0 || dup2(fd1, 1) < 0 || dup2(fd2, 2) < 0)
		_exit(127);
	execve(argv[0], (char *const *)argv, env);
	_exit(127);
}

/* Wait for PID at most SECS; then TERM, then KILL. Returns its wait status
 * (-1 if it had to be killed). */
static int reap(pid_t pid, double secs)
{
	int st;
	for (int phase = 0; phase < 3; phase++) {
		double until = bench_now() + (phase == 0 ? secs : 5.0);
		for (;;) {
			pid_t r = waitpid(pid, &st, WNOHANG);
			if (r == pid)
				return phase ? -1 : st;
			if (r < 0 && errno != EINTR)
				return -1;
			if (bench_now() > until)
				break;
			nanosleep(&(struct timespec){0, 2000000}, NULL);
		}
		kill(pid, phase == 0 ? SIGTERM : SIGKILL);
	}
	return -1;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* A cli on SOCK with HOME=HOME: on pipes, or on a pty (TTY). */
static int cli_start(struct proc *p, const char *cli, const char *sock, const char *home, bool tty)
{
	memset(p, 0, sizeof *p);
	p->in = p->out = -1;
	char henv[PATH_MAX + 8];
	snprintf(henv, sizeof henv, "HOME=%s", home);
	const char *add[] = {henv, "TERM=dumb", "INPUTRC=/dev/null", NULL};
	char **env = child_env(add);
	const char *argv[] = {cli, "--socket", sock, NULL};
	if (tty) {
		int m = posix_openpt(O_RDWR | O_NOCTTY);
		if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0) {
			fprintf(stderr, "bench-config: pty: %s\n", strerror(errno));
			free(env);
			return -1;
		}
		fcntl(m, F_SETFD, FD_CLOEXEC);
		struct winsize ws = {.ws_row = 50, .ws_col = 400};
		ioctl(m, TIOCSWINSZ, &ws);
		char *sl = ptsname(m);
		p->pid = sl ? spawn(argv, env, -1, -1, -1, sl) : -1;
		p->in = p->out = m;
		p->pty = true;
	} else {
		int pin[2], pout[2];
		if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0) {
			fprintf(stderr, "bench-config: pipe: %s\n", strerror(errno));
			free(env);
			return -1;
		}
		p->pid = spawn(argv, env, pin[0], pout[1], pout[1], NULL);
		close(pin[0]);
		close(pout[1]);
		p->in = pin[1];
		p->out = pout[0];
	}
	free(env);
	if (p->pid < 0)
		return -1;
	set_nonblock(p->in);
	set_nonblock(p->out);
	return 0;
}

static void cli_stop(struct proc *p)
{
	if (p->in >= 0)
		close(p->in);
	if (p->out >= 0 && p->out != p->in)
		close(p->out);
	p->in = p->out = -1;
	if (p->pid > 0)
		reap(p->pid, 5.0);
	p->pid = 0;
	cfg_buf_free(&p->got);
}

/* Read what P has for us (non-blocking). 1 got some, 0 nothing, -1 EOF. */
static int pull(struct proc *p)
{
	char buf[1 << 16];
	int any = 0;
	for (;;) {
		ssize_t k = read(p->out, buf, sizeof buf);
		if (k > 0) {
			cfg_buf_add(&p->got, buf, (size_t)k);
			any = 1;
			continue;
		}
		if (k == 0 || (k < 0 && errno == EIO)) /* EIO: the pty's other side is gone */
			return any ? 1 : -1;
		return any;
	}
}

/* Write DATA[0..LEN) to P while collecting its output, until all is
 * written and W says the answer is complete (W NULL: any output at all).
 * *T_END (if set) gets the time that was seen. 0, or -1 (timeout, EOF,
 * interrupted) after a message. */
static int exchange(struct proc *p, const char *data, size_t len, const struct want *w, double timeout,
                    double *t_end, const char *what)
{
	size_t off = 0;
	double until = bench_now() + timeout;
	for (;;) {
		if (off < len) {
			ssize_t k = write(p->in, data + off, len - off);
			if (k > 0)
				off += (size_t)k;
			else if (k < 0 && errno != EAGAIN && errno != EINTR) {
				fprintf(stderr, "bench-config: %s: writing to cli: %s\n", what, strerror(errno));
				return -1;
			}
		}
		int r = pull(p);
		if (r > 0 && off == len && (w ? done(p, w) : p->got.len > 0)) {
			if (t_end)
				*t_end = bench_now();
			return 0;
		}
		if (r < 0) {
			fprintf(stderr, "bench-config: %s: the cli ended; its last output:\n%.*s\n", what,
			        (int)(p->got.len > 2000 ? 2000 : p->got.len),
			        p->got.p ? p->got.p + (p->got.len > 2000 ? p->got.len - 2000 : 0) : "");
			return -1;
		}
		double left = until - bench_now();
		if (left <= 0 || bench_stop) {
			fprintf(stderr, "bench-config: %s: %s; the cli's last output:\n%.*s\n", what,
			        bench_stop ? "interrupted" : "no answer in time", (int)(p->got.len > 2000 ? 2000 : p->got.len),
			        p->got.p ? p->got.p + (p->got.len > 2000 ? p->got.len - 2000 : 0) : "");
			return -1;
		}
		struct pollfd pf[2] = {{.fd = p->out, .events = POLLIN}, {.fd = p->in, .events = POLLOUT}};
		int np = off < len && p->in != p->out ? 2 : 1;
		if (off < len && p->in == p->out)
			pf[0].events |= POLLOUT;
		int ms = left > 1 ? 1000 : (int)(left * 1000) + 1;
		poll(pf, (nfds_t)np, ms);
	}
}

/* Collect P's output until it has been quiet for MS milliseconds (pty
 * redisplay after an untimed key). */
static void drain_quiet(struct proc *p, int ms)
{
	double until = bench_now() + 5.0;
	while (bench_now() < until && !bench_stop) {
		struct pollfd pf = {.fd = p->out, .events = POLLIN};
		if (poll(&pf, 1, ms) <= 0)
			return;
		if (pull(p) < 0)
			return;
	}
}

/* Send LINE (a newline is added: "\n" on a pipe, "\r" on the pty) and wait
 * for W (with HAS, if set, in the answer). *SECS (if set): the time taken. */
static int cmd(struct proc *p, const char *line, const struct want *w0, const char *has, double timeout,
               double *secs)
{
	struct want w = *w0;
	if (has)
		w.has = has;
	struct cfg_buf b = {0};
	cfg_buf_printf(&b, "%s%c", line, p->pty ? '\r' : '\n');
	cfg_buf_reset(&p->got);
	double t0 = bench_now(), t1 = 0;
	int rc = exchange(p, b.p, b.len, &w, timeout, &t1, line);
	cfg_buf_free(&b);
	if (rc == 0 && secs)
		*secs = t1 - t0;
	return rc;
}

/* A whole cli process: ARGV, INPUT on its stdin (NULL: /dev/null), its
 * output collected; time from fork to its exit. The output must contain
 * HAS and the exit status be 0. 0 or -1. */
static int one_shot(const char *const *argv, const char *home, const char *input, const char *has,
                    struct cfg_buf *out, double *secs)
{
	char henv[PATH_MAX + 8];
	snprintf(henv, sizeof henv, "HOME=%s", home);
	const char *add[] = {henv, "TERM=dumb", "INPUTRC=/dev/null", NULL};
	char **env = child_env(add);
	int pin[2], pout[2];
	if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0) {
		free(env);
		return -1;
	}
	/* the input is small: it fits in the pipe before the process starts */
	if (input && write(pin[1], input, strlen(input)) != (ssize_t)strlen(input)) {
		free(env);
		return -1;
	}
	close(pin[1]);
	cfg_buf_reset(out);
	double t0 = bench_now();
	pid_t pid = spawn(argv, env, pin[0], pout[1], pout[1], NULL);
	close(pin[0]);
	close(pout[1]);
	free(env);
	if (pid < 0) {
		close(pout[0]);
		return -1;
	}
	double until = t0 + T_CMD;
	char buf[1 << 16];
	for (;;) {
		ssize_t k = read(pout[0], buf, sizeof buf);
		if (k > 0) {
			cfg_buf_add(out, buf, (size_t)k);
			continue;
		}
		if (k == 0)
			break;
		if (errno == EINTR && !bench_stop && bench_now() < until)
			continue;
		break;
	}
	close(pout[0]);
	int st;
	pid_t r;
	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	double t1 = bench_now();
	if (r != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    (has && (!out->p || !memmem(out->p, out->len, has, strlen(has))))) {
		fprintf(stderr, "bench-config: %s -c/stdin one-shot failed (status %d); its output:\n%.*s\n", argv[0],
		        r == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1, (int)(out->len > 2000 ? 2000 : out->len),
		        out->p ? out->p : "");
		return -1;
	}
	*secs = t1 - t0;
	return 0;
}

/* --------------------------------------------------------------- jdmd */

static void log_tail(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char buf[2048];
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	fseek(f, sz > (long)sizeof buf - 1 ? sz - (long)sizeof buf + 1 : 0, SEEK_SET);
	size_t k = fread(buf, 1, sizeof buf - 1, f);
	buf[k] = '\0';
	fclose(f);
	fprintf(stderr, "---- end of %s ----\n%s----\n", path, buf);
}

/* Start jdmd on DIR; wait until its socket SOCK answers. PID or -1. */
static pid_t jdmd_start(const char *jdmd, const char *cli, const char *dir, const char *sock)
{
	char logp[PATH_MAX], henv[PATH_MAX + 8], cenv[PATH_MAX + 16];
	snprintf(logp, sizeof logp, "%s/jdmd.log", dir);
	snprintf(henv, sizeof henv, "HOME=%s", dir);
	snprintf(cenv, sizeof cenv, "NFX_CLI=%s", cli);
	int lf = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (lf < 0 || nul < 0) {
		fprintf(stderr, "bench-config: %s: %s\n", logp, strerror(errno));
		return -1;
	}
	const char *add[] = {henv, cenv, "NFX_HYPERVISOR=none", NULL};
	char **env = child_env(add);
	const char *argv[] = {jdmd, "--state-dir", dir, "--hypervisor", "none", NULL};
	pid_t pid = spawn(argv, env, nul, lf, lf, NULL);
	free(env);
	close(lf);
	close(nul);
	if (pid < 0)
		return -1;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(sock) >= sizeof sa.sun_path) {
		fprintf(stderr, "bench-config: %s: too long for a unix socket\n", sock);
		reap(pid, 0);
		return -1;
	}
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	double until = bench_now() + T_START;
	while (bench_now() < until && !bench_stop) {
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			fprintf(stderr, "bench-config: jdmd exited before listening on %s\n", sock);
			log_tail(logp);
			return -1;
		}
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
			close(fd);
			return pid;
		}
		if (fd >= 0)
			close(fd);
		nanosleep(&(struct timespec){0, 10000000}, NULL);
	}
	fprintf(stderr, "bench-config: jdmd did not listen on %s within %.0f s\n", sock, T_START);
	log_tail(logp);
	reap(pid, 0);
	return -1;
}

/* -------------------------------------------------------------- report */

static void row(const char *what, double t, double lib, double base, double goal_ms, bool judge)
{
	printf("  %-54s %9.3f ms %8.1fx", what, t * 1e3, t / base);
	if (lib > 0)
		printf(" %9.3f ms %7.1fx", lib * 1e3, t / lib);
	else
		printf(" %12s %8s", "-", "");
	if (goal_ms > 0) {
		printf("   <= %g ms", goal_ms);
		if (judge)
			printf(": %s", t * 1e3 <= goal_ms ? "met" : "MISSED");
	}
	putchar('\n');
}

static void samples(const char *what, const double *v, int n, bool verbose)
{
	if (!verbose)
		return;
	printf("    %s:", what);
	for (int i = 0; i < n; i++)
		printf(" %.3f", v[i] * 1e3);
	printf(" ms\n");
}

/* --------------------------------------------------------------- run */

struct run {
	const struct bench_daemon_opts *o;
	char dir[BENCH_DIR_MAX + 16], sock[BENCH_DIR_MAX + 32];
	pid_t jdmd;
	struct proc a, b, p;
};

static void run_end(struct run *r)
{
	cli_stop(&r->p);
	cli_stop(&r->b);
	cli_stop(&r->a);
	if (r->jdmd > 0) {
		kill(r->jdmd, SIGTERM);
		if (reap(r->jdmd, 5.0) != 0 && !bench_stop)
			fprintf(stderr, "bench-config: jdmd (pid %d) did not exit cleanly\n", (int)r->jdmd);
	}
	r->jdmd = 0;
	if (r->dir[0])
		rm_tree(r->dir);
}

int bench_daemon_run(const struct bench_daemon_opts *o, const struct cfg_buf *text,
                     const struct bench_lib_fig *lib)
{
	struct run r = {.o = o};
	r.a.in = r.a.out = r.b.in = r.b.out = r.p.in = r.p.out = -1;
	int runs = o->runs, lruns = o->load_runs;
	size_t n = lib->n;
	double base = lib->base;
	double *v = calloc((size_t)(runs > lruns ? runs : lruns) + 1, sizeof *v);
	double *v2 = calloc((size_t)(runs > lruns ? runs : lruns) + 1, sizeof *v2);
	struct cfg_buf load = {0}, out = {0};
	char line[256];
	if (!v || !v2)
		abort();

	snprintf(r.dir, sizeof r.dir, "%s/jdm-XXXXXX", o->tmp);
	if (!mkdtemp(r.dir)) {
		fprintf(stderr, "bench-config: mkdtemp %s: %s\n", r.dir, strerror(errno));
		r.dir[0] = '\0';
		goto fail;
	}
	snprintf(r.sock, sizeof r.sock, "%s/jdm.sock", r.dir);
	r.jdmd = jdmd_start(o->jdmd, o->cli, r.dir, r.sock);
	if (r.jdmd < 0) {
		r.jdmd = 0;
		goto fail;
	}
	if (cli_start(&r.a, o->cli, r.sock, r.dir, false) < 0)
		goto fail;
	static const struct want w_first = {"{master:0}\n", NULL, 0};
	if (exchange(&r.a, NULL, 0, &w_first, T_CMD, NULL, "first prompt") < 0 ||
	    cmd(&r.a, "configure", &W_CFG, "Entering configuration mode", T_CMD, NULL) < 0)
		goto fail;

	printf("daemon: cli -> jdmd --hypervisor none (hooks installed), %zu statements; median of %d (%d for "
	       "the whole config)\n",
	       n, runs, lruns);
	printf("  (jdmd %s, cli %s)\n", o->jdmd, o->cli);
	printf("  %-54s %12s %9s %12s %8s   %s\n", "operation (as the user waits on it)", "daemon", "xbase",
	       "library", "xlib", "goal");

	/* floor: an empty line, one round trip */
	for (int i = 0; i < runs; i++)
		if (cmd(&r.a, "", &W_CFG, NULL, T_CMD, &v[i]) < 0)
			goto fail;
	samples("empty line", v, runs, o->verbose);
	row("floor: empty line, long-lived cli (round trip)", bench_median(v, runs), -1, base, -1, false);

	/* (a) load set terminal + commit of the whole configuration */
	cfg_buf_puts(&load, "load set terminal\n");
	cfg_buf_add(&load, text->p, text->len);
	cfg_buf_puts(&load, "\x04\n");
	static const struct want w_load = {"\n{master:0}[edit]\n", "load complete\n", 0};
	for (int i = 0; i < lruns; i++) {
		if (i > 0 && (cmd(&r.a, "delete virtual-network-functions", &W_CFG, NULL, T_CMD, NULL) < 0 ||
		              cmd(&r.a, "delete host-os", &W_CFG, NULL, T_CMD, NULL) < 0 ||
		              cmd(&r.a, "commit", &W_CFG, "commit complete\n", T_LOAD, NULL) < 0))
			goto fail;
		cfg_buf_reset(&r.a.got);
		double t0 = bench_now(), t1 = 0;
		if (exchange(&r.a, load.p, load.len, &w_load, T_LOAD, &t1, "load set terminal") < 0)
			goto fail;
		v[i] = t1 - t0;
		if (cmd(&r.a, "commit", &W_CFG, "commit complete\n", T_LOAD, &v2[i]) < 0)
			goto fail;
	}
	double *sum = calloc((size_t)lruns + 1, sizeof *sum);
	if (!sum)
		abort();
	for (int i = 0; i < lruns; i++)
		sum[i] = v[i] + v2[i];
	samples("load set terminal", v, lruns, o->verbose);
	samples("commit (whole config)", v2, lruns, o->verbose);
	double t_load = bench_median(v, lruns), t_commit = bench_median(v2, lruns);
	double t_sum = bench_median(sum, lruns);
	free(sum);
	row("load set terminal (whole config, pasted)", t_load, lib->load, base, -1, false);
	row("commit (whole config, onto an empty one)", t_commit, lib->commit, base, -1, false);
	row("load set terminal + commit (whole config)", t_sum, lib->load + lib->commit, base, GOAL_D_LOAD_MS,
	    true);

	/* (a) as a provisioning script does it: one `cli < file` process */
	{
		struct cfg_buf in = {0};
		cfg_buf_puts(&in, "configure\n");
		cfg_buf_add(&in, load.p, load.len);
		cfg_buf_puts(&in, "commit\n");
		struct proc q;
		for (int i = 0; i < lruns; i++) {
			if (cmd(&r.a, "delete virtual-network-functions", &W_CFG, NULL, T_CMD, NULL) < 0 ||
			    cmd(&r.a, "delete host-os", &W_CFG, NULL, T_CMD, NULL) < 0 ||
			    cmd(&r.a, "commit", &W_CFG, "commit complete\n", T_LOAD, NULL) < 0) {
				cfg_buf_free(&in);
				goto fail;
			}
			static const struct want w_all = {"\n{master:0}[edit]\n", "commit complete\n", 0};
			double t0 = bench_now();
			if (cli_start(&q, o->cli, r.sock, r.dir, false) < 0) {
				cli_stop(&q);
				cfg_buf_free(&in);
				goto fail;
			}
			int rc = exchange(&q, in.p, in.len, &w_all, T_LOAD, NULL, "cli < file");
			close(q.in);
			q.in = -1;
			/* then its end: EOF on its output, its exit */
			bool eof = false;
			double until = bench_now() + T_CMD;
			while (rc == 0 && !eof && bench_now() < until && !bench_stop) {
				if (pull(&q) < 0)
					eof = true;
				else
					poll(&(struct pollfd){.fd = q.out, .events = POLLIN}, 1, 100);
			}
			int st = -1;
			pid_t w = -1;
			if (eof) {
				do
					w = waitpid(q.pid, &st, 0);
				while (w < 0 && errno == EINTR);
				q.pid = 0;
			}
			v[i] = bench_now() - t0;
			cli_stop(&q);
			if (rc < 0 || w < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				fprintf(stderr, "bench-config: cli < file failed\n");
				cfg_buf_free(&in);
				goto fail;
			}
		}
		cfg_buf_free(&in);
		samples("cli < file", v, lruns, o->verbose);
		row("load set + commit, one-shot cli < file (whole config)", bench_median(v, lruns),
		    lib->load + lib->commit, base, GOAL_D_LOAD_MS, true);
	}

	/* (b) one-line commit, long-lived cli on pipes */
	for (int i = 0; i < runs; i++) {
		snprintf(line, sizeof line, "set virtual-network-functions vnf1 virtual-cpu count %d", 3 + i % 2);
		if (cmd(&r.a, line, &W_CFG, NULL, T_CMD, &v2[i]) < 0 ||
		    cmd(&r.a, "commit", &W_CFG, "commit complete\n", T_CMD, &v[i]) < 0)
			goto fail;
	}
	samples("set", v2, runs, o->verbose);
	samples("commit", v, runs, o->verbose);
	row("set (one leaf), long-lived cli", bench_median(v2, runs), -1, base, -1, false);
	double t_one = bench_median(v, runs);
	row("one-line commit, long-lived cli (pipe)", t_one, lib->one, base, GOAL_D_ONE_MS, true);

	/* (b) one-shot: a whole cli process, configure + set + commit on stdin */
	{
		const char *argv[] = {o->cli, "--socket", r.sock, NULL};
		for (int i = 0; i < runs; i++) {
			char in[256];
			snprintf(in, sizeof in, "configure\nset virtual-network-functions vnf1 virtual-cpu count %d\ncommit\n",
			         5 + i % 2);
			if (one_shot(argv, r.dir, in, "commit complete\n", &out, &v[i]) < 0)
				goto fail;
		}
		samples("one-shot commit", v, runs, o->verbose);
		row("one-line commit, one-shot cli (configure;set;commit)", bench_median(v, runs), lib->one, base, -1,
		    false);
		const char *argv2[] = {o->cli, "--socket", r.sock, "-c", "show version", NULL};
		for (int i = 0; i < runs; i++)
			if (one_shot(argv2, r.dir, NULL, NULL, &out, &v[i]) < 0)
				goto fail;
		samples("cli -c show version", v, runs, o->verbose);
		row("floor: cli -c \"show version\" (a whole process)", bench_median(v, runs), -1, base, -1, false);
	}

	/* (b) one-line commit and (e) TAB, interactive cli on a pty */
	if (cli_start(&r.p, o->cli, r.sock, r.dir, true) < 0)
		goto fail;
	static const struct want w_tty_op = {"> ", NULL, 0}, w_tty_cfg = {"# ", "[edit]", 0};
	if (exchange(&r.p, NULL, 0, &w_tty_op, T_CMD, NULL, "first prompt (pty)") < 0 ||
	    cmd(&r.p, "configure", &w_tty_cfg, "Entering configuration mode", T_CMD, NULL) < 0)
		goto fail;
	for (int i = 0; i < runs; i++) {
		snprintf(line, sizeof line, "set virtual-network-functions vnf1 virtual-cpu count %d", 7 + i % 2);
		if (cmd(&r.p, line, &w_tty_cfg, NULL, T_CMD, NULL) < 0 ||
		    cmd(&r.p, "commit", &w_tty_cfg, "commit complete", T_CMD, &v[i]) < 0)
			goto fail;
	}
	samples("commit (pty)", v, runs, o->verbose);
	row("one-line commit, interactive cli (pty)", bench_median(v, runs), lib->one, base, GOAL_D_ONE_MS, true);

	static const struct {
		const char *name, *typed;
		size_t lib_off;
	} tabs[] = {
		{"TAB: set ... vlan members <TAB> (pty)",
		 "set virtual-network-functions vnf1 interfaces eth2 mapping vlan members ",
		 offsetof(struct bench_lib_fig, tab_vlan)},
		{"TAB: set virtual-network-functions <TAB> (pty)", "set virtual-network-functions ",
		 offsetof(struct bench_lib_fig, tab_vnf)},
	};
	for (size_t t = 0; t < sizeof tabs / sizeof tabs[0]; t++) {
		for (int i = 0; i < runs; i++) {
			cfg_buf_reset(&r.p.got);
			if (exchange(&r.p, tabs[t].typed, strlen(tabs[t].typed), NULL, T_CMD, NULL, tabs[t].name) < 0)
				goto fail;
			drain_quiet(&r.p, 30);
			cfg_buf_reset(&r.p.got);
			double t0 = bench_now(), t1 = 0;
			if (exchange(&r.p, "\t", 1, NULL, T_CMD, &t1, tabs[t].name) < 0)
				goto fail;
			v[i] = t1 - t0;
			drain_quiet(&r.p, 30);
			if (o->verbose && i == 0)
				printf("    TAB answer on the terminal: \"%.*s\"\n", (int)r.p.got.len, r.p.got.p);
			cfg_buf_reset(&r.p.got);
			if (exchange(&r.p, "\x15", 1, NULL, T_CMD, NULL, "Ctrl-U") < 0)
				goto fail;
			drain_quiet(&r.p, 30);
		}
		samples(tabs[t].name, v, runs, o->verbose);
		row(tabs[t].name, bench_median(v, runs), *(const double *)((const char *)lib + tabs[t].lib_off), base,
		    -1, false);
	}
	cli_stop(&r.p);

	/* (c) commit check of one change */
	for (int i = 0; i < runs; i++) {
		snprintf(line, sizeof line, "set virtual-network-functions vnf1 virtual-cpu count %d", 9 + i % 2);
		if (cmd(&r.a, line, &W_CFG, NULL, T_CMD, NULL) < 0 ||
		    cmd(&r.a, "commit check", &W_CFG, "configuration check succeeds\n", T_CMD, &v[i]) < 0)
			goto fail;
	}
	samples("commit check", v, runs, o->verbose);
	double t_check = bench_median(v, runs);
	row("commit check (one change), long-lived cli", t_check, lib->check, base, GOAL_D_CHECK_MS, true);

	/* (d) show configuration | display set, time to the last byte */
	if (cli_start(&r.b, o->cli, r.sock, r.dir, false) < 0 ||
	    exchange(&r.b, NULL, 0, &w_first, T_CMD, NULL, "first prompt (B)") < 0)
		goto fail;
	struct want w_ds = W_OP;
	w_ds.min_len = text->len; /* at least the whole configuration */
	size_t got_bytes = 0;
	for (int i = 0; i < runs; i++) {
		if (cmd(&r.b, "show configuration | display set", &w_ds, NULL, T_CMD, &v[i]) < 0)
			goto fail;
		got_bytes = r.b.got.len;
	}
	samples("display set", v, runs, o->verbose);
	double t_ds = bench_median(v, runs);
	row("show configuration | display set, long-lived cli", t_ds, lib->dset, base, GOAL_D_DSET_MS,
	    n >= 100000);
	{
		const char *argv[] = {o->cli, "--socket", r.sock, "-c", "show configuration | display set", NULL};
		for (int i = 0; i < runs; i++)
			if (one_shot(argv, r.dir, NULL, "set host-os vlans", &out, &v[i]) < 0)
				goto fail;
		samples("cli -c display set", v, runs, o->verbose);
		row("show configuration | display set, cli -c process", bench_median(v, runs), lib->dset, base, -1,
		    false);
	}
	printf("  (display set: %.1f MB to the last byte, %.0f MB/s; goals apply at 100k statements)\n",
	       (double)got_bytes / 1e6, (double)got_bytes / 1e6 / t_ds);

	/* one line to grep for: the four goals of the daemon path */
	printf("summary: daemon %zu statements: one-line commit %.1f ms (goal %g: %s), commit check %.1f ms "
	       "(goal %g: %s), load set + commit %.1f ms (goal %g: %s), display set %.1f ms (goal %g at 100k%s%s)\n",
	       n, t_one * 1e3, GOAL_D_ONE_MS, t_one * 1e3 <= GOAL_D_ONE_MS ? "met" : "MISSED", t_check * 1e3,
	       GOAL_D_CHECK_MS, t_check * 1e3 <= GOAL_D_CHECK_MS ? "met" : "MISSED", t_sum * 1e3, GOAL_D_LOAD_MS,
	       t_sum * 1e3 <= GOAL_D_LOAD_MS ? "met" : "MISSED", t_ds * 1e3, GOAL_D_DSET_MS, n >= 100000 ? ": " : "",
	       n >= 100000 ? (t_ds * 1e3 <= GOAL_D_DSET_MS ? "met" : "MISSED") : "");
	run_end(&r);
	free(v);
	free(v2);
	cfg_buf_free(&load);
	cfg_buf_free(&out);
	return 0;
fail:
	if (r.dir[0] && r.jdmd > 0) {
		char logp[PATH_MAX + 16];
		snprintf(logp, sizeof logp, "%s/jdmd.log", r.dir);
		log_tail(logp);
	}
	run_end(&r);
	free(v);
	free(v2);
	cfg_buf_free(&load);
	cfg_buf_free(&out);
	return -1;
}
