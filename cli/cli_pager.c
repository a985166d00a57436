/* cli_pager — see cli_pager.h. */
#include "cli_pager.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define MORE "---(more)---"
#define MORE_END "---(more 100%)---"

static struct {
	bool on, hold, quit, searching, nostop;
	int in;
	FILE *out;
	unsigned rows, cols;
	unsigned used;  /* rows of this screen already shown */
	size_t col;     /* column of a line not yet ended */
	regex_t re;
	bool have_re;
} pg;

/* One key from the terminal (non-canonical, no echo); -1 when input ends
 * or is interrupted. */
static int key(void)
{
	struct termios saved, t;
	bool tty = tcgetattr(pg.in, &saved) == 0;
	if (tty) {
		t = saved;
		t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(pg.in, TCSANOW, &t);
	}
	unsigned char c;
	ssize_t r = read(pg.in, &c, 1);
	if (tty)
		tcsetattr(pg.in, TCSANOW, &saved);
	return r == 1 ? c : -1;
}

/* `/PATTERN`: the pattern, echoed, up to Enter (empty: the last one).
 * Returns the length shown. */
static size_t search_prompt(void)
{
	char buf[256];
	size_t n = 0;
	fputc('/', pg.out);
	fflush(pg.out);
	for (;;) {
		int c = key();
		if (c < 0 || c == 3 || c == 27) { /* ^C, Escape: no search */
			n = 0;
			break;
		}
		if (c == '\r' || c == '\n')
			break;
		if ((c == 127 || c == 8) && n) {
			n--;
			fputs("\b \b", pg.out);
		} else if (c >= ' ' && n + 1 < sizeof buf) {
			buf[n++] = (char)c;
			fputc(c, pg.out);
		}
		fflush(pg.out);
	}
	buf[n] = 0;
	if (n) {
		if (pg.have_re)
			regfree(&pg.re);
		pg.have_re = regcomp(&pg.re, buf, REG_EXTENDED | REG_NOSUB | REG_ICASE) == 0;
	}
	pg.searching = pg.have_re;
	return n + 1;
}

/* Erase the prompt line. */
static void erase(size_t len)
{
	fputc('\r', pg.out);
	for (size_t i = 0; i < len; i++)
		fputc(' ', pg.out);
	fputc('\r', pg.out);
}

/* The screen is full: ask. Returns with the state for the next line. */
static void more(void)
{
	for (;;) {
		fputs(MORE, pg.out);
		fflush(pg.out);
		int c = key();
		erase(sizeof MORE - 1);
		switch (c) {
		case ' ':
		case 'f':
			pg.used = 0;
			return;
		case '\r':
		case '\n':
		case 'j':
			pg.used = pg.rows - 2;
			return;
		case 'G':
			pg.nostop = true;
			return;
		case '/':
			erase(search_prompt());
			if (!pg.searching)
				continue;
			pg.used = 0;
			return;
		case -1:
		case 3:
		case 'q':
		case 'Q':
			pg.quit = true;
			return;
		default:
			continue; /* not a pager key: ask again */
		}
	}
}

void cli_pager_begin(int in_fd, FILE *out, unsigned rows, unsigned cols, bool hold)
{
	pg.on = true;
	pg.in = in_fd;
	pg.out = out;
	pg.rows = rows < 2 ? 2 : rows;
	pg.cols = cols ? cols : 80;
	pg.hold = hold;
	pg.quit = pg.searching = pg.nostop = false;
	pg.used = 0;
	pg.col = 0;
}

bool cli_pager_active(void) { return pg.on; }

/* One line (with its '\n' if it has one). */
static void line(const char *p, size_t n, bool nl)
{
	if (pg.quit)
		return;
	if (pg.searching && pg.col == 0) {
		char *l = strndup(p, n);
		bool m = l && regexec(&pg.re, l, 0, NULL, 0) == 0;
		free(l);
		if (!m)
			return;
		pg.searching = false;
		fputs("...skipping...\n", pg.out);
		pg.used = 1;
	}
	if (!pg.nostop && pg.col == 0 && pg.used >= pg.rows - 1) {
		more();
		if (pg.quit)
			return;
		if (pg.searching) { /* this line may be the one */
			line(p, n, nl);
			return;
		}
	}
	fwrite(p, 1, n, pg.out);
	pg.col += n;
	if (nl) {
		fputc('\n', pg.out);
		/* a long line takes several rows of the screen */
		pg.used += pg.col ? (unsigned)((pg.col - 1) / pg.cols) + 1 : 1;
		pg.col = 0;
	}
}

void cli_pager_write(const char *p, size_t n)
{
	if (!pg.on) {
		fwrite(p, 1, n, stdout);
		return;
	}
	while (n) {
		const char *e = memchr(p, '\n', n);
		size_t l = e ? (size_t)(e - p) : n;
		line(p, l, e != NULL);
		if (!e)
			break;
		p += l + 1;
		n -= l + 1;
	}
	fflush(pg.out);
}

void cli_pager_end(void)
{
	if (!pg.on)
		return;
	if (pg.hold && !pg.quit) {
		for (;;) {
			fputs(MORE_END, pg.out);
			fflush(pg.out);
			int c = key();
			erase(sizeof MORE_END - 1);
			if (c == -1 || c == 3 || c == 'q' || c == 'Q' || c == ' ' || c == '\r' || c == '\n')
				break;
		}
	}
	if (pg.have_re)
		regfree(&pg.re);
	pg.have_re = false;
	pg.on = false;
	fflush(pg.out);
}
