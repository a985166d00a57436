/* cli — the nfx command-line frontend.
 *
 * A thin client of the management daemon (cfg_proto.h): every command line
 * goes to the daemon as a LINE frame, and whatever comes back is printed.
 * Sessions, modes, completion and help all live in the daemon.
 *
 *   cli [--socket PATH] [-c COMMAND]
 *
 * Three ways to run:
 *   - interactive (standard input is a terminal): GNU readline, history in
 *     ~/.nfx_history, TAB completion and `?` help asked from the daemon;
 *   - scripted (standard input is not a terminal): each input line is
 *     printed after the prompt, as an interactive session would show it,
 *     then run; exit status 1 when any command failed;
 *   - one command (-c): only the command's output, exit status from it.
 *
 * A command may turn into a stream ('S', e.g. `request
 * virtual-network-functions NAME console`): on a terminal, the terminal goes
 * to raw mode and every byte typed goes to the daemon ('R') until the escape
 * byte Ctrl-] ('E'); otherwise input lines go as 'R' with a "\r" (what Enter
 * sends), a line `^]` or the end of input sends 'E', and each line waits
 * until the stream's output has been quiet for a moment (NFX_CLI_STREAM_QUIET_MS,
 * default 500), so a transcript shows the answer after the line typed.
 *
 * Files: `save FILE` and `| save FILE` come as a FILE frame ('F') that this
 * process writes as its user, in the user's home (cli_file.h), printing
 * "Wrote N lines of output to 'FILE'"; `load ... FILE` comes as an ASK_FILE
 * that this process answers with the file read as its user. The daemon
 * opens no path on a user's behalf.
 *
 * Exit status 2 when the daemon cannot be reached or goes away.
 */
#include "cfg_buf.h"
#include "cfg_err.h"
#include "cfg_proto.h"
#include "cfg_file.h"
#include "cli_file.h"
#include "cli_pager.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <time.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#define CLI_DEFAULT_SOCKET "/run/nfx/jdm.sock"
#define CLI_HISTORY_FILE ".nfx_history"
#define CLI_HISTORY_KEEP 1000
#define CLI_HELP_COL 21

enum cli_mode { CLI_TTY, CLI_SCRIPT, CLI_ONE };

static struct {
	int fd;              /* socket to the daemon */
	enum cli_mode mode;
	int failed;          /* some DONE had status '1' */
	int in_hello;        /* waiting for the answer to HELLO: an end now is a refusal */
	int stdin_eof;       /* standard input is gone for good */
	char *prompt;        /* owned; from the last DONE */
	char *hist_path;     /* owned; NULL without a history file */
	int in_readline;     /* the readline callback handler is installed */
	char *rl_line;       /* owned; line handed over by readline */
	int rl_line_done;
	/* a stream ('S' .. 'D') */
	int st_active;       /* between 'S' and its 'D' */
	int st_raw;          /* the terminal is in raw mode (tty_saved holds the old modes) */
	int st_ended;        /* 'E' sent */
	unsigned char st_esc;
	long st_t0;          /* line mode: when the last line went (ms) */
	struct termios tty_saved;
	char *state_dir;     /* owned; the directory of the daemon's socket */
} cli = { .fd = -1 };

static volatile sig_atomic_t cli_sigint, cli_sigwinch, cli_sigterm;

/* ---- leaving ---------------------------------------------------------- */

/* Leave raw mode (every exit path comes here). */
static void cli_raw_restore(void)
{
	if (cli.st_raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &cli.tty_saved);
		cli.st_raw = 0;
	}
}

static void cli_tty_restore(void)
{
	cli_raw_restore();
	if (cli.mode != CLI_TTY)
		return;
	if (cli.in_readline) {
		rl_callback_handler_remove();
		cli.in_readline = 0;
	}
	if (cli.hist_path) {
		if (write_history(cli.hist_path) == 0)
			history_truncate_file(cli.hist_path, CLI_HISTORY_KEEP);
		free(cli.hist_path);
		cli.hist_path = NULL;
	}
}

static void __attribute__((noreturn)) cli_finish(void)
{
	cli_tty_restore();
	fflush(stdout);
	if (cli.fd >= 0)
		close(cli.fd);
	exit(cli.failed ? 1 : 0);
}

static void __attribute__((noreturn)) cli_lost(void)
{
	cli_tty_restore();
	fflush(stdout);
	fputs("error: connection to the management daemon lost\n", stderr);
	exit(2);
}

/* ---- frames ----------------------------------------------------------- */

/* A send failed: the daemon may have ended the session (a commit removed
 * the user's login class) while we waited for input; its last words are
 * still on the socket. Show them, and end as the session did. */
static void cli_drain_ended(void)
{
	for (;;) {
		struct pollfd pf = { .fd = cli.fd, .events = POLLIN };
		char t;
		char *q = NULL;
		size_t len = 0;
		if (poll(&pf, 1, 0) <= 0 || cfg_proto_recv(cli.fd, &t, &q, &len) != 0)
			return;
		if (t == CFG_P_OUT)
			fwrite(q, 1, len, stdout);
		int over = t == CFG_P_DONE && len && q[0] == 'x';
		free(q);
		if (over) {
			cli.failed = 1;
			cli_finish();
		}
	}
}

static void cli_send(char type, const void *p, size_t n)
{
	if (cfg_proto_send(cli.fd, type, p, n) < 0) {
		cli_drain_ended();
		cli_lost();
	}
}

/* One frame; *P is malloc'ed and owned by the caller. */
static void cli_recv(char *type, char **p, size_t *n)
{
	if (cfg_proto_recv(cli.fd, type, p, n) != 0)
		cli_lost();
}

/* Read one line of standard input into *BUF (malloc'ed, owned by the
 * caller), without its "\n" or "\r\n". Returns the length, -1 at end of
 * input, -2 when interrupted by Ctrl-C. */
static ssize_t cli_getline(char **buf, size_t *cap)
{
	for (;;) {
		errno = 0;
		ssize_t n = getline(buf, cap, stdin);
		if (n >= 0) {
			if (n > 0 && (*buf)[n - 1] == '\n')
				(*buf)[--n] = '\0';
			if (n > 0 && (*buf)[n - 1] == '\r')
				(*buf)[--n] = '\0';
			return n;
		}
		if (ferror(stdin) && errno == EINTR) {
			clearerr(stdin);
			if (cli_sigint) {
				cli_sigint = 0;
				return -2;
			}
			continue;
		}
		if (cli.mode != CLI_SCRIPT && isatty(STDIN_FILENO))
			clearerr(stdin); /* Ctrl-D: the terminal stays usable */
		else
			cli.stdin_eof = 1;
		return -1;
	}
}

/* ASK_LINE / ASK_NOECHO: one line, sent back as INPUT. */
static void cli_ask_line(int noecho, int quiet)
{
	struct termios saved, t;
	int tty = isatty(STDIN_FILENO);
	int echo_off = 0;
	char *line = NULL;
	size_t cap = 0;

	if (noecho && tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		t = saved;
		t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		echo_off = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
	}
	ssize_t n = cli_getline(&line, &cap);
	if (echo_off)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	if (n < 0)
		n = 0;
	if (!quiet) {
		/* A script's answer shows in the transcript, a password does not;
		 * on a terminal the line discipline echoed it already. */
		if (!noecho && cli.mode == CLI_SCRIPT)
			fwrite(line ? line : "", 1, (size_t)n, stdout);
		if (noecho || cli.mode == CLI_SCRIPT)
			putchar('\n');
	}
	fflush(stdout);
	cli_send(CFG_P_INPUT, line ? line : "", (size_t)n);
	free(line);
}

/* ASK_MULTI (load ... terminal): lines up to a line holding just ^D or the
 * end of standard input, sent as one INPUT: '0' (ended by ^D) or '1'
 * (standard input ended), then the lines joined with '\n'. */
static void cli_ask_multi(void)
{
	struct cfg_buf b;
	char *line = NULL;
	size_t cap = 0;
	int echo = cli.mode == CLI_SCRIPT;
	int tty = isatty(STDIN_FILENO);
	int first = 1;
	char end = '1';

	cfg_buf_init(&b);
	cfg_buf_putc(&b, '1');
	for (;;) {
		ssize_t n = cli_getline(&line, &cap);
		if (n == -2) {          /* Ctrl-C: drop what was typed */
			cfg_buf_reset(&b);
			cfg_buf_putc(&b, '1');
			putchar('\n');
			break;
		}
		if (n == -1) {
			/* On a terminal, end of input is Ctrl-D at a line start. */
			end = tty && !cli.stdin_eof ? '0' : '1';
			break;
		}
		if (n == 1 && line[0] == '\x04') {
			end = '0';
			break;
		}
		if (echo) {
			fwrite(line, 1, (size_t)n, stdout);
			putchar('\n');
		}
		if (!first)
			cfg_buf_putc(&b, '\n');
		first = 0;
		cfg_buf_add(&b, line, (size_t)n);
	}
	free(line);
	b.p[0] = end;
	fflush(stdout);
	cli_send(CFG_P_INPUT, b.p, b.len);
	cfg_buf_free(&b);
}

/* ASK_FILE (load ... FILE): NAME read with this user's rights, sent as one
 * INPUT: '0' and the contents, or '1' and why it could not be read. */
static void cli_ask_file(const char *name, size_t n)
{
	struct cfg_buf b;
	char *fname = strndup(name, n);
	size_t len = 0;
	char *text = fname ? cli_file_read(cli_file_home(), fname, CFG_PROTO_MAX - 1, &len) : NULL;

	cfg_buf_init(&b);
	if (text) {
		cfg_buf_putc(&b, '0');
		cfg_buf_add(&b, text, len);
	} else {
		cfg_buf_putc(&b, '1');
		cfg_buf_puts(&b, fname ? cfg_err_msg() : "out of memory");
	}
	cli_send(CFG_P_INPUT, b.p, b.len);
	cfg_buf_free(&b);
	free(text);
	free(fname);
}

/* ASK_FOP (`file list|show|copy|delete`): lines OP, IMAGE-DIR, ARG, ARG2;
 * done as this user (cfg_file.h), answered as one INPUT: '0' and the
 * output, or '1' and the error. */
static void cli_fileop(const char *p, size_t n)
{
	char *req = strndup(p, n), *f[4] = {0};
	size_t nf = 0;
	for (char *q = req, *nl; q && nf < 4; q = nl ? nl + 1 : NULL) {
		nl = strchr(q, '\n');
		if (nl)
			*nl = '\0';
		f[nf++] = q;
	}
	const char *home = cli_file_home();
	const char *img = f[1] && *f[1] ? f[1] : NULL;
	struct cfg_buf out;
	cfg_buf_init(&out);
	int rc = -1;
	if (!req || nf < 2) {
		cfg_err_set("malformed file request");
	} else if (!strcmp(f[0], "list") || !strcmp(f[0], "list-detail")) {
		rc = cfg_file_list(home, img, f[2], !strcmp(f[0], "list-detail"), &out);
	} else if (!strcmp(f[0], "show")) {
		size_t len = 0;
		char *t = cfg_file_read(home, img, f[2], &len);
		if (t) {
			cfg_buf_add(&out, t, len);
			if (len && t[len - 1] != '\n')
				cfg_buf_putc(&out, '\n');
			free(t);
			rc = 0;
		}
	} else if (!strcmp(f[0], "copy") && f[2] && f[3]) {
		size_t len = 0;
		char *t = cfg_file_read(home, img, f[2], &len);
		if (t) {
			char dst[PATH_MAX];
			const char *base = strrchr(f[2], '/');
			if (cfg_file_is_dir(home, f[3]))
				snprintf(dst, sizeof dst, "%s/%s", f[3], base ? base + 1 : f[2]);
			else
				snprintf(dst, sizeof dst, "%s", f[3]);
			rc = cli_file_save(home, cli.state_dir, dst, t, len, NULL);
			free(t);
		}
	} else if (!strcmp(f[0], "delete")) {
		rc = cfg_file_delete(home, cli.state_dir, f[2]);
	} else {
		cfg_err_set("malformed file request");
	}
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_buf_putc(&b, rc < 0 ? '1' : '0');
	if (rc < 0)
		cfg_buf_puts(&b, cfg_err_msg());
	else
		cfg_buf_add(&b, out.p, out.len);
	cli_send(CFG_P_INPUT, b.p, b.len);
	cfg_buf_free(&b);
	cfg_buf_free(&out);
	free(req);
}

/* FILE ('F'): kind, the name, a NUL, the text; written as this user
 * (cli_file.h). A save that fails makes the command count as failed. */
static void cli_save(const char *p, size_t n)
{
	const char *what = n && p[0] == 'c' ? "configuration" : "output";
	if (n) {
		p++;
		n--;
	}
	size_t nl = strnlen(p, n);
	size_t lines = 0;
	if (nl == n) {
		cli.failed = 1;
		fputs("error: malformed save request\n", stdout);
		return;
	}
	if (cli_file_save(cli_file_home(), cli.state_dir, p, p + nl + 1, n - nl - 1, &lines) < 0) {
		cli.failed = 1;
		printf("error: %s\n", cfg_err_msg());
		return;
	}
	printf("Wrote %zu lines of %s to '%s'\n", lines, what, p);
}

static void cli_ask(const char *p, size_t n)
{
	unsigned flags = n ? (unsigned char)p[0] : CFG_ASK_LINE;
	if (flags & CFG_ASK_FOP) {
		cli_fileop(p + 1, n - 1);
		return;
	}
	if (flags & CFG_ASK_FILE) {
		cli_ask_file(p + 1, n - 1);
		return;
	}
	int quiet = cli.mode == CLI_ONE && !isatty(STDIN_FILENO);
	/* Asked from inside a key handler: give the terminal back its line
	 * discipline while the answer is read. */
	int prepped = cli.mode == CLI_TTY && RL_ISSTATE(RL_STATE_TERMPREPPED);

	if (prepped)
		rl_deprep_terminal();
	if (!quiet && n > 1)
		fwrite(p + 1, 1, n - 1, stdout);
	fflush(stdout);
	if (flags & CFG_ASK_MULTI)
		cli_ask_multi();
	else
		cli_ask_line((flags & CFG_ASK_NOECHO) != 0, quiet);
	if (prepped)
		rl_prep_terminal(1);
}

/* ---- streams ------------------------------------------------------------ */

static void cli_on_signal(int sig);

static long cli_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 'S': escape byte, then text to print first. A terminal goes to raw mode
 * (output processing kept, so the daemon's own "\n" lines stay readable). */
static void cli_stream_begin(const char *p, size_t n)
{
	cli.st_active = 1;
	cli.st_ended = 0;
	cli.st_esc = n ? (unsigned char)p[0] : CFG_STREAM_ESCAPE;
	cli.st_t0 = cli_now_ms();
	if (n > 1)
		fwrite(p + 1, 1, n - 1, stdout);
	fflush(stdout);
	if (cli.mode == CLI_SCRIPT || !isatty(STDIN_FILENO))
		return;
	/* a signal must not leave the terminal raw: cli_finish() restores it */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cli_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	if (tcgetattr(STDIN_FILENO, &cli.tty_saved) == 0) {
		struct termios t = cli.tty_saved;
		cfmakeraw(&t);
		t.c_oflag |= OPOST | ONLCR;
		if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
			cli.st_raw = 1;
	}
}

/* The 'D' of the stream arrived. */
static void cli_stream_end(void)
{
	cli_raw_restore();
	cli.st_active = 0;
}

static void cli_stream_send_end(void)
{
	if (!cli.st_ended)
		cli_send(CFG_P_END, "", 0);
	cli.st_ended = 1;
}

/* Terminal: forward keystrokes until the daemon has a frame for us. */
static void cli_stream_pump_raw(void)
{
	for (;;) {
		struct pollfd pf[2] = { { .fd = cli.fd, .events = POLLIN },
		                        { .fd = STDIN_FILENO, .events = POLLIN } };
		int r = poll(pf, cli.st_ended ? 1 : 2, -1);
		if (cli_sigterm)
			cli_finish();
		cli_sigint = 0; /* no keyboard signals in raw mode; a resize waits for readline */
		if (r < 0) {
			if (errno == EINTR)
				continue;
			cli_lost();
		}
		if (pf[0].revents)
			return;
		if (cli.st_ended || !pf[1].revents)
			continue;
		unsigned char buf[4096];
		ssize_t k = read(STDIN_FILENO, buf, sizeof buf);
		if (k < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (k <= 0) { /* the terminal went away */
			cli_stream_send_end();
			continue;
		}
		unsigned char *e = memchr(buf, cli.st_esc, (size_t)k);
		size_t fwd = e ? (size_t)(e - buf) : (size_t)k;
		if (fwd)
			cli_send(CFG_P_RAW, buf, fwd);
		if (e)
			cli_stream_send_end(); /* the escape byte itself is not forwarded */
	}
}

/* Lines: when the stream's output has been quiet for a while (or flowed
 * for too long), send the next input line. */
static void cli_stream_pump_lines(void)
{
	static long quiet_ms = -1;
	if (quiet_ms < 0) {
		const char *q = getenv("NFX_CLI_STREAM_QUIET_MS");
		quiet_ms = q && *q ? strtol(q, NULL, 10) : 500;
		if (quiet_ms < 0 || quiet_ms > 600000)
			quiet_ms = 500;
	}
	const long busy_max = 10000; /* output never settles: go on anyway */
	char *line = NULL;
	size_t cap = 0;

	while (!cli.st_ended) {
		struct pollfd pf = { .fd = cli.fd, .events = POLLIN };
		long left = busy_max - (cli_now_ms() - cli.st_t0);
		int r = poll(&pf, 1, (int)(left < 0 ? 0 : left < quiet_ms ? left : quiet_ms));
		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0 && left > 0)
			break; /* a frame to read first */
		ssize_t n = cli_getline(&line, &cap);
		if (n == -2)
			continue;
		if (n < 0 || (n == 2 && line[0] == '^' && line[1] == ']')) {
			cli_stream_send_end();
			break;
		}
		char *e = memchr(line, cli.st_esc, (size_t)n);
		if (e) { /* the escape byte ends the stream, as on a terminal */
			if (e > line)
				cli_send(CFG_P_RAW, line, (size_t)(e - line));
			cli_stream_send_end();
			break;
		}
		if (cli.mode == CLI_SCRIPT) {
			fwrite(line, 1, (size_t)n, stdout);
			putchar('\n');
			fflush(stdout);
		}
		line[n] = '\r'; /* getline's buffer always has room: the "\n" was there */
		cli_send(CFG_P_RAW, line, (size_t)n + 1);
		cli.st_t0 = cli_now_ms();
	}
	free(line);
}

static unsigned cli_columns(void);

/* Handle frames until DONE and return its status ('0' or '1'); status 'x'
 * (session over) ends the program here. */
static char cli_run(void)
{
	for (;;) {
		char type;
		char *p;
		size_t n;

		if (cli.st_active) {
			if (cli.st_raw)
				cli_stream_pump_raw();
			else
				cli_stream_pump_lines();
		}
		cli_recv(&type, &p, &n);
		switch (type) {
		case CFG_P_OUT:
			if (cli_pager_active())
				cli_pager_write(p, n);
			else
				fwrite(p, 1, n, stdout);
			if (cli.st_active)
				fflush(stdout);
			break;
		case CFG_P_PAGE:
			/* `set cli screen-length N`: a terminal's output is paged;
			   a script's never */
			if (cli.mode == CLI_TTY && !cli.st_active && isatty(STDIN_FILENO) &&
			    isatty(STDOUT_FILENO)) {
				char *e;
				unsigned long rows = strtoul(p ? p : "0", &e, 10);
				if (rows > 1)
					cli_pager_begin(STDIN_FILENO, stdout, (unsigned)rows, cli_columns(),
					                e && !strncmp(e, "\nhold", 5));
			}
			break;
		case CFG_P_STREAM:
			cli_stream_begin(p, n);
			break;
		case CFG_P_ASK:
			cli_ask(p, n);
			break;
		case CFG_P_FILE:
			cli_save(p, n);
			break;
		case CFG_P_DONE: {
			char st = n ? p[0] : '1';
			cli_pager_end();
			if (cli.st_active)
				cli_stream_end();
			if (st == 'x') {
				free(p);
				if (cli.in_hello)
					cli.failed = 1; /* not let in (not authorized) */
				cli_finish();
			}
			if (st != '0')
				cli.failed = 1;
			/* status, pre-prompt text, NUL, prompt (p is NUL-terminated) */
			const char *pre = n ? p + 1 : "";
			size_t prelen = strnlen(pre, n ? n - 1 : 0);
			const char *prompt = n && prelen + 1 < n ? pre + prelen + 1 : "";
			if (cli.mode != CLI_ONE)
				fwrite(pre, 1, prelen, stdout);
			free(cli.prompt);
			cli.prompt = strdup(prompt);
			if (!cli.prompt) {
				fputs("error: out of memory\n", stderr);
				exit(2);
			}
			free(p);
			fflush(stdout);
			return st;
		}
		default:
			break; /* a stray COMPL or an unknown frame: nothing to show */
		}
		free(p);
	}
}

/* ---- interactive: readline -------------------------------------------- */

/* Is the cursor inside a "quoted string"? (`?` is literal there.) */
static int cli_in_quotes(void)
{
	int in = 0;
	for (int i = 0; i < rl_point; i++) {
		if (rl_line_buffer[i] == '\\' && i + 1 < rl_point)
			i++;
		else if (rl_line_buffer[i] == '"')
			in = !in;
	}
	return in;
}

static void cli_show_completions(char **words, char **helps, size_t n)
{
	int point = rl_point;

	rl_point = rl_end;
	rl_redisplay();
	rl_point = point;
	fputs("\nPossible completions:\n", rl_outstream);
	for (size_t i = 0; i < n; i++) {
		if (!helps[i] || !*helps[i])
			fprintf(rl_outstream, "  %s\n", words[i]);
		else if (strlen(words[i]) >= CLI_HELP_COL)
			fprintf(rl_outstream, "  %s %s\n", words[i], helps[i]);
		else
			fprintf(rl_outstream, "  %-*s%s\n", CLI_HELP_COL, words[i], helps[i]);
	}
	fflush(rl_outstream);
	rl_on_new_line();
	rl_redisplay();
}

/* TAB: ask the daemon (COMPLETE → COMPL), complete the word or list. */
static int cli_key_tab(int count, int key)
{
	(void)count;
	(void)key;
	int second = rl_last_func == cli_key_tab;
	char type = 0;
	char *p = NULL;
	size_t n;

	cli_send(CFG_P_COMPLETE, rl_line_buffer, (size_t)rl_point);
	for (;;) {
		cli_recv(&type, &p, &n);
		if (type == CFG_P_COMPL)
			break;
		if (type == CFG_P_OUT)
			fwrite(p, 1, n, stdout);
		free(p);
		p = NULL;
		if (type == CFG_P_DONE)
			break; /* no completion from this daemon */
	}

	/* Split "word\thelp" lines in place. */
	size_t nc = 0, cap = 16;
	char **words = malloc(cap * sizeof *words), **helps = malloc(cap * sizeof *helps);
	const char *replace = NULL;
	if (!words || !helps) {
		free(words);
		free(helps);
		free(p);
		return rl_ding();
	}
	int first = 1;
	for (char *s = p; s && *s;) {
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		if (first && *s == '=') {
			replace = s + 1;
		} else if (*s) {
			if (nc == cap) {
				cap *= 2;
				char **w = realloc(words, cap * sizeof *words);
				if (w)
					words = w;
				char **h = realloc(helps, cap * sizeof *helps);
				if (h)
					helps = h;
				if (!w || !h)
					break;
			}
			char *tab = strchr(s, '\t');
			if (tab)
				*tab = '\0';
			words[nc] = s;
			helps[nc] = tab ? tab + 1 : NULL;
			nc++;
		}
		first = 0;
		s = nl ? nl + 1 : NULL;
	}

	int changed = 0;
	int start = rl_point;
	while (start > 0 && rl_line_buffer[start - 1] != ' ' && rl_line_buffer[start - 1] != '\t')
		start--;
	if (replace) {
		size_t wl = (size_t)(rl_point - start);
		if (strlen(replace) != wl || memcmp(rl_line_buffer + start, replace, wl) != 0) {
			rl_begin_undo_group();
			rl_delete_text(start, rl_point);
			rl_point = start;
			rl_insert_text(replace);
			rl_end_undo_group();
			changed = 1;
		}
	}
	if (nc == 1 && words[0][0] != '<') {
		size_t wl = (size_t)(rl_point - start);
		int whole = replace || (strlen(words[0]) == wl &&
		                        memcmp(rl_line_buffer + start, words[0], wl) == 0);
		if (whole && rl_line_buffer[rl_point] != ' ') {
			rl_insert_text(" ");
			changed = 1;
		}
	} else if (nc > 0 && !changed) {
		if (second)
			cli_show_completions(words, helps, nc);
		else
			rl_ding();
	} else if (nc == 0 && !changed) {
		rl_ding();
	}
	free(words);
	free(helps);
	free(p);
	return 0;
}

/* `?`: ask the daemon (HELP → OUTPUT, DONE), show it under the line, then
 * the prompt and the line again, unchanged. */
static int cli_key_help(int count, int key)
{
	if (cli_in_quotes())
		return rl_insert(count, key);
	int point = rl_point;
	cli_send(CFG_P_HELP, rl_line_buffer, (size_t)rl_point);
	rl_point = rl_end;
	rl_redisplay();
	fputs("?\n", rl_outstream);
	fflush(rl_outstream);
	cli_run();
	rl_point = point;
	rl_set_prompt(cli.prompt);
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

static void cli_on_line(char *line)
{
	cli.rl_line = line;
	cli.rl_line_done = 1;
	rl_callback_handler_remove();
	cli.in_readline = 0;
}

/* Ctrl-C at the prompt: drop the line, fresh prompt. */
static void cli_rl_cancel(void)
{
	rl_callback_sigcleanup();
	rl_replace_line("", 0);
	rl_point = rl_end = rl_mark = 0;
	fputs("\n", rl_outstream);
	rl_on_new_line();
	rl_redisplay();
}

/* The daemon spoke while we wait for the operator: an EOF means it went
 * away; output is shown above the line being edited. */
static void cli_unsolicited(void)
{
	char type;
	char *p;
	size_t n;

	cli_recv(&type, &p, &n);
	if (type == CFG_P_OUT && n) {
		rl_clear_visible_line();
		fwrite(p, 1, n, rl_outstream);
		fflush(rl_outstream);
		rl_on_new_line();
		rl_redisplay();
	}
	free(p);
}

/* One line from the operator (malloc'ed, caller frees), NULL on Ctrl-D on
 * an empty line or when the terminal went away (cli.stdin_eof). */
static char *cli_readline(void)
{
	cli.rl_line = NULL;
	cli.rl_line_done = 0;
	cli_sigint = 0; /* a Ctrl-C typed while a command ran is spent */
	rl_callback_handler_install(cli.prompt, cli_on_line);
	cli.in_readline = 1;
	while (!cli.rl_line_done) {
		struct pollfd pf[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
		                        { .fd = cli.fd, .events = POLLIN } };
		int r = poll(pf, 2, -1);
		if (cli_sigterm)
			cli_finish();
		if (cli_sigwinch) {
			cli_sigwinch = 0;
			rl_resize_terminal();
		}
		if (cli_sigint) {
			cli_sigint = 0;
			cli_rl_cancel();
			continue;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			cli.stdin_eof = 1;
			break;
		}
		if (pf[1].revents)
			cli_unsolicited();
		if (pf[0].revents & POLLIN) {
			rl_callback_read_char();
		} else if (pf[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			cli.stdin_eof = 1;
			break;
		}
	}
	if (cli.in_readline) {
		rl_callback_handler_remove();
		cli.in_readline = 0;
	}
	return cli.rl_line;
}

static void cli_on_signal(int sig)
{
	if (sig == SIGINT)
		cli_sigint = 1;
	else if (sig == SIGWINCH)
		cli_sigwinch = 1;
	else
		cli_sigterm = 1;
}

static void cli_tty_setup(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cli_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: poll() and reads must see EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	rl_readline_name = "nfx";
	rl_instream = stdin;
	rl_outstream = stdout;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_initialize();
	/* Pasted lines must run one by one, not as one multi-line command. */
	rl_variable_bind("enable-bracketed-paste", "off");
	rl_bind_key('\t', cli_key_tab);
	rl_bind_key('?', cli_key_help);

	const char *home = getenv("HOME");
	if (!home || !*home) {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (home && asprintf(&cli.hist_path, "%s/%s", home, CLI_HISTORY_FILE) < 0)
		cli.hist_path = NULL;
	using_history();
	stifle_history(CLI_HISTORY_KEEP);
	if (cli.hist_path)
		read_history(cli.hist_path);
}

static void __attribute__((noreturn)) cli_loop_tty(void)
{
	int eofs = 0;

	for (;;) {
		char *line = cli_readline();
		if (!line) {
			if (cli.stdin_eof || ++eofs > 20)
				cli_finish();
			fputs("exit\n", stdout);
			fflush(stdout);
			cli_send(CFG_P_LINE, "exit", 4);
			cli_run();
			continue;
		}
		eofs = 0;
		if (*line) {
			HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
			if (!last || strcmp(last->line, line) != 0)
				add_history(line);
		}
		cli_send(CFG_P_LINE, line, strlen(line));
		free(line);
		cli_run();
	}
}

/* ---- scripted --------------------------------------------------------- */

static void __attribute__((noreturn)) cli_loop_script(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while (!cli.stdin_eof && (n = cli_getline(&line, &cap)) >= 0) {
		fputs(cli.prompt, stdout);
		fwrite(line, 1, (size_t)n, stdout);
		putchar('\n');
		cli_send(CFG_P_LINE, line, (size_t)n);
		cli_run();
	}
	free(line);
	cli_finish();
}

/* ---- start ------------------------------------------------------------ */

static void cli_usage(FILE *f)
{
	fputs("usage: cli [--socket PATH] [-c COMMAND]\n"
	      "       cli [--socket PATH] --watch EVENTS   (vnf-event,commit-event or all: print each event\n"
	      "                                           as XML, a line \"--\" after each, until the daemon stops)\n",
	      f);
}

/* `--watch EVENTS`: subscribe ('W') and print the XML of every event. */
static void __attribute__((noreturn)) cli_watch(const char *events)
{
	char *names = strdup(!strcmp(events, "all") ? "" : events);
	if (!names) {
		fputs("error: out of memory\n", stderr);
		exit(2);
	}
	for (char *c = names; *c; c++)
		if (*c == ',')
			*c = ' ';
	cli_send(CFG_P_WATCH, names, strlen(names));
	free(names);
	if (cli_run() != '0')
		cli_finish();
	for (;;) {
		char type, *p;
		size_t n;
		cli_recv(&type, &p, &n);
		if (type == CFG_P_NOTIFY) {
			fwrite(p, 1, n, stdout);
			fputs("--\n", stdout);
			fflush(stdout);
		}
		free(p);
	}
}

static int cli_connect(const char *path)
{
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "error: the management daemon is not running (%s: %s)\n", path,
		        strerror(ENAMETOOLONG));
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "error: the management daemon is not running (%s: %s)\n", path,
		        strerror(errno));
		return -1;
	}
	int r;
	do
		r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		fprintf(stderr, "error: the management daemon is not running (%s: %s)\n", path,
		        strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static unsigned cli_columns(void)
{
	struct winsize ws;
	if (cli.mode != CLI_TTY)
		return 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	if (c && atoi(c) > 0)
		return (unsigned)atoi(c);
	return 80;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "command", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "watch", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *command = NULL, *watch = NULL;
	int o;

	while ((o = getopt_long(argc, argv, "+c:s:w:h", opts, NULL)) != -1) {
		switch (o) {
		case 's': path = optarg; break;
		case 'c': command = optarg; break;
		case 'w': watch = optarg; break;
		case 'h': cli_usage(stdout); return 0;
		default: cli_usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		cli_usage(stderr);
		return 2;
	}
	if (!path) {
		path = getenv("NFX_SOCKET");
		if (!path || !*path)
			path = CLI_DEFAULT_SOCKET;
	}
	/* `ssh jdm show configuration`: sshd's ForceCommand runs us with the
	   requested command in SSH_ORIGINAL_COMMAND; it is one CLI command,
	   never a shell command. */
	if (!command && getenv("SSH_ORIGINAL_COMMAND") && *getenv("SSH_ORIGINAL_COMMAND"))
		command = getenv("SSH_ORIGINAL_COMMAND");
	cli.mode = command || watch ? CLI_ONE : isatty(STDIN_FILENO) ? CLI_TTY : CLI_SCRIPT;

	/* the daemon's state directory, kept out of `save`: where its socket
	   is (the socket's own path resolved, should it be a symbolic link) */
	char *sd = realpath(path, NULL);
	if (!sd)
		sd = strdup(path);
	if (sd) {
		char *slash = strrchr(sd, '/');
		if (slash == sd)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
		else
			strcpy(sd, ".");
		cli.state_dir = sd;
	}

	cli.fd = cli_connect(path);
	if (cli.fd < 0)
		return 2;

	char hello[128];
	int hl = snprintf(hello, sizeof hello, "tty=%d\ncols=%u\nclient=%s\n",
	                  cli.mode == CLI_TTY ? 1 : 0, cli_columns(),
	                  getenv("SSH_CONNECTION") ? "ssh" : "cli");
	cli_send(CFG_P_HELLO, hello, (size_t)hl);
	cli.in_hello = 1;
	cli_run();
	cli.in_hello = 0;
	if (watch)
		cli_watch(watch);

	switch (cli.mode) {
	case CLI_ONE:
		cli_send(CFG_P_LINE, command, strlen(command));
		cli_run();
		cli_finish();
	case CLI_SCRIPT:
		cli_loop_script();
	case CLI_TTY:
		cli_tty_setup();
		cli_loop_tty();
	}
	return 0;
}
