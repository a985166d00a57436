/* cfg_opcmd — see cfg_opcmd.h. */
#include "cfg_opcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg_cmd.h"
#include "cfg_err.h"
#include "cfg_help.h"
#include "cfg_load.h"
#include "cfg_render.h"
#include "cfg_reply.h"
#include "cfg_session.h"

/* ------------------------------------------------ show system rollback */

/* Revision N as a tree (caller frees), or NULL with cfg_err set. An empty
 * store's revision 0 is the empty configuration. */
static struct cfg_tree *load_rev(struct cfg_cmd *c, unsigned n)
{
	struct cfg_tree *t = cfg_daemon_load_rev(c->d, n);
	if (!t && n == 0 && cfg_store_get(cfg_daemon_store(c->d), 0, NULL, NULL, NULL) == 1)
		t = cfg_tree_new(cfg_daemon_schema(c->d));
	return t;
}

/* `show system rollback N`: revision N as Junos shows a rollback file (a
 * `## Last changed:` line, then the configuration in curly braces, or as the
 * `| display set|xml|json` pipe asks). `show system rollback N compare M`:
 * what changed from revision N to revision M, as `show | compare` prints it
 * (Junos: "compare number — display the differences between the two
 * rollback configurations", N the older one in its examples). Secrets show
 * only to sessions that may see them. */
static int h_show_system_rollback(struct cfg_cmd *c)
{
	const char *v = cfg_cmd_value(c, "number");
	const char *m = cfg_cmd_value(c, "compare");
	unsigned n = v ? (unsigned)strtoul(v, NULL, 10) : 0;
	if (c->disp.compare)
		return cfg_err_set("'| compare' is not supported here: use 'show system rollback %u compare N'", n);
	unsigned sec = cfg_session_may_see_secrets(c->s) ? CFG_R_SECRETS : 0;
	struct cfg_tree *t = load_rev(c, n);
	if (!t)
		return -1;
	if (m) {
		struct cfg_tree *o = load_rev(c, (unsigned)strtoul(m, NULL, 10));
		if (!o) {
			cfg_tree_free(t);
			return -1;
		}
		cfg_render_compare(c->out, cfg_tree_root(t), cfg_tree_root(o), sec);
		cfg_tree_free(o);
		cfg_tree_free(t);
		return 0;
	}
	const struct cfg_node *root = cfg_tree_root(t);
	if (c->disp.set) {
		cfg_render_set(c->out, root, false, sec);
	} else if (c->disp.xml) {
		cfg_render_xml(c->out, root, sec);
	} else if (c->disp.json) {
		cfg_render_json(c->out, root, sec);
	} else {
		struct cfg_rev_info info;
		size_t len = 0;
		if (cfg_store_get(cfg_daemon_store(c->d), n, NULL, &len, &info) == 0) {
			char tb[64];
			cfg_buf_printf(c->out, "## Last changed: %s\n",
			               cfg_session_fmt_time((time_t)info.time, tb, sizeof tb));
		}
		cfg_render_curly(c->out, root, 0, sec);
	}
	cfg_tree_free(t);
	return 0;
}


/* ------------------------------------------------------------ commit at */

/* The pending `commit at` is one key of the store (it survives a restart,
 * as the commit-confirmed deadline does): "EPOCH\nUSER\nCOMMENT\n" and then
 * the candidate as the store keeps revisions (display set, full, secrets). */
#define KV_COMMIT_AT "commit-at"

struct pending {
	time_t when;
	char user[64];
	char comment[512];
	const char *text; /* into buf */
	char *buf;        /* owned */
};

/* 0 and P filled (free P->buf), 1 when none is pending, -1 on error. */
static int pending_get(struct cfg_daemon *d, struct pending *p)
{
	memset(p, 0, sizeof *p);
	char *v = NULL;
	int r = cfg_store_kv_get(cfg_daemon_store(d), KV_COMMIT_AT, &v);
	if (r != 0)
		return r;
	char *a = strchr(v, '\n'), *b = a ? strchr(a + 1, '\n') : NULL, *e = b ? strchr(b + 1, '\n') : NULL;
	if (!e) {
		free(v);
		return 1;
	}
	*a = *b = *e = 0;
	p->when = (time_t)strtoll(v, NULL, 10);
	snprintf(p->user, sizeof p->user, "%s", a + 1);
	snprintf(p->comment, sizeof p->comment, "%s", b + 1);
	p->text = e + 1;
	p->buf = v;
	return 0;
}

static void commit_at_fire(void *ctx);

/* Wake at WHEN (at most daily, then look again: the timer is in ms). */
static void commit_at_schedule(struct cfg_daemon *d, time_t when)
{
	time_t now = time(NULL);
	long left = when > now ? (long)(when - now) : 0;
	if (left > 86400)
		left = 86400;
	if (!cfg_daemon_timer_add(d, (unsigned)left * 1000u, false, commit_at_fire, d))
		fprintf(stderr, "%sd: commit at: cannot arm the timer: %s\n", cfg_daemon_name(d),
		        cfg_err_msg());
}

static void commit_at_done(void *ctx, struct cfg_daemon *d, struct cfg_session *s, int rc,
                           struct cfg_buf *res)
{
	(void)ctx;
	(void)s;
	if (rc < 0)
		fprintf(stderr, "%sd: commit at: the scheduled commit failed:\n%s", cfg_daemon_name(d),
		        res->p ? res->p : "");
	else
		fprintf(stderr, "%sd: commit at: the scheduled commit is complete\n", cfg_daemon_name(d));
}

/* The timer: when the pending commit is due, it runs through the daemon's
 * commit job path, as `commit` would have run it. A timer left from a
 * commit that was cleared (or replaced) finds nothing due and stops, or
 * re-arms for the pending one. */
static void commit_at_fire(void *ctx)
{
	struct cfg_daemon *d = ctx;
	struct pending p;
	if (pending_get(d, &p) != 0)
		return;
	if (p.when > time(NULL)) {
		commit_at_schedule(d, p.when);
		free(p.buf);
		return;
	}
	struct cfg_tree *t = cfg_tree_new(cfg_daemon_schema(d));
	struct cfg_buf errs;
	cfg_buf_init(&errs);
	long bad = t ? cfg_load_set(t, NULL, p.text, strlen(p.text), "commit at", 0, &errs) : -1;
	cfg_buf_free(&errs);
	if (cfg_store_kv_set(cfg_daemon_store(d), KV_COMMIT_AT, NULL) < 0)
		fprintf(stderr, "%sd: commit at: cannot clear the pending commit: %s\n",
		        cfg_daemon_name(d), cfg_err_msg());
	if (bad != 0) {
		fprintf(stderr, "%sd: commit at: the pending configuration does not load\n",
		        cfg_daemon_name(d));
		cfg_tree_free(t);
	} else if (cfg_daemon_commit_start(d, NULL, NULL, t, p.user, "cli",
	                                   p.comment[0] ? p.comment : NULL, -1, commit_at_done,
	                                   NULL) < 0) {
		fprintf(stderr, "%sd: commit at: cannot start the commit: %s\n", cfg_daemon_name(d),
		        cfg_err_msg());
	}
	free(p.buf);
}

/* Parse Junos's `commit at` time: "hh:mm[:ss]" (today, UTC) or
 * "yyyy-mm-dd hh:mm[:ss]". 0 or -1. */
static int parse_at(const char *v, time_t *out)
{
	struct tm tm = {0};
	int Y, M, D, h, m, sec = 0, n = 0;
	time_t now = time(NULL);
	if (sscanf(v, "%4d-%2d-%2d %2d:%2d%n", &Y, &M, &D, &h, &m, &n) == 5) {
		tm.tm_year = Y - 1900;
		tm.tm_mon = M - 1;
		tm.tm_mday = D;
	} else if (n = 0, sscanf(v, "%2d:%2d%n", &h, &m, &n) == 2) {
		struct tm t;
		gmtime_r(&now, &t);
		tm.tm_year = t.tm_year;
		tm.tm_mon = t.tm_mon;
		tm.tm_mday = t.tm_mday;
		Y = t.tm_year + 1900, M = t.tm_mon + 1, D = t.tm_mday;
	} else {
		return -1;
	}
	const char *r = v + n;
	if (*r == ':') {
		int k = 0;
		if (sscanf(r, ":%2d%n", &sec, &k) != 1)
			return -1;
		r += k;
	}
	if (*r || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 59 || h < 0 ||
	    m < 0 || sec < 0)
		return -1;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	if (back.tm_mday != D) /* 31 of a 30-day month */
		return -1;
	*out = t;
	return 0;
}

int cfg_opcmd_commit_at(struct cfg_cmd *c, const struct cfg_tree *cand, const char *at,
                        const char *comment)
{
	time_t when;
	if (parse_at(at, &when) < 0)
		return cfg_err_set("invalid time for commit at: '%s' (hh:mm[:ss] or \"yyyy-mm-dd hh:mm[:ss]\")", at);
	if (when <= time(NULL))
		return cfg_err_set("commit at: the time %s is in the past", at);
	struct pending old;
	if (pending_get(c->d, &old) == 0) {
		char tb[64];
		cfg_err_set("commit at: a commit is already pending at %s (clear system commit cancels it)",
		            cfg_session_fmt_time(old.when, tb, sizeof tb));
		free(old.buf);
		return -1;
	}
	/* checked now, as Junos does; committed at the time */
	struct cfg_findings fs = {0};
	int rc = cfg_commit_check(cfg_daemon_active(c->d), cand, cfg_daemon_subsys(c->d), &fs);
	cfg_findings_render(c->out, &fs);
	cfg_findings_free(&fs);
	if (rc < 0)
		return -1;
	struct cfg_buf v;
	cfg_buf_init(&v);
	cfg_buf_printf(&v, "%lld\n%s\n", (long long)when, cfg_session_user(c->s));
	for (const char *q = comment ? comment : ""; *q; q++)
		cfg_buf_putc(&v, *q == '\n' || *q == '\r' ? ' ' : *q);
	cfg_buf_putc(&v, '\n');
	cfg_render_set(&v, cfg_tree_root(cand), false, CFG_R_SECRETS | CFG_R_FULL);
	rc = cfg_store_kv_set(cfg_daemon_store(c->d), KV_COMMIT_AT, v.p ? v.p : "");
	cfg_buf_free(&v);
	if (rc < 0)
		return -1;
	commit_at_schedule(c->d, when);
	char tb[64];
	cfg_buf_puts(c->out, "configuration check succeeds\n");
	cfg_buf_printf(c->out, "commit at will be executed at %s\n",
	               cfg_session_fmt_time(when, tb, sizeof tb));
	cfg_session_leave_config(c->s);
	cfg_buf_puts(c->out, "Exiting configuration mode\n");
	return 0;
}

bool cfg_opcmd_commit_pending(struct cfg_daemon *d, time_t *when, char *user, size_t ulen)
{
	struct pending p;
	if (pending_get(d, &p) != 0)
		return false;
	*when = p.when;
	snprintf(user, ulen, "%s", p.user);
	free(p.buf);
	return true;
}

/* `clear system commit`: cancel the pending `commit at` (Junos: "clear
 * system commit -- Clear a pending commit operation"; a pending commit
 * confirmed is not cleared by it: a plain `commit` confirms, the deadline
 * rolls back). */
static int h_clear_system_commit(struct cfg_cmd *c)
{
	struct pending p;
	int r = pending_get(c->d, &p);
	if (r < 0)
		return -1;
	if (r == 1)
		return cfg_err_set("No pending commit");
	free(p.buf);
	if (cfg_store_kv_set(cfg_daemon_store(c->d), KV_COMMIT_AT, NULL) < 0)
		return -1;
	cfg_buf_puts(c->out, "Pending commit cleared\n");
	return 0;
}

/* ------------------------------------------------------------ show cli */

/* `show cli`: the session's CLI settings, in Junos's layout ("CLI
 * complete-on-space set to on", "CLI screen-length set to 24", ...; Junos
 * CLI User Guide, show cli). nfx completes on space and has no idle
 * timeout nor timestamps. */
static void cli_text(struct cfg_buf *out, const struct cfg_reply *r, void *arg)
{
	(void)arg;
	const struct cfg_rel *root = cfg_reply_root(r);
	cfg_buf_printf(out, "CLI complete-on-space set to %s\n", cfg_rel_str(root, "complete-on-space", "on"));
	const char *idle = cfg_rel_value(root, "idle-timeout");
	if (idle)
		cfg_buf_printf(out, "CLI idle-timeout set to %s minutes\n", idle);
	else
		cfg_buf_puts(out, "CLI idle-timeout disabled\n");
	cfg_buf_printf(out, "CLI screen-length set to %s\n", cfg_rel_str(root, "screen-length", "0"));
	cfg_buf_printf(out, "CLI screen-width set to %s\n", cfg_rel_str(root, "screen-width", "0"));
	const char *term = cfg_rel_value(root, "terminal");
	if (term)
		cfg_buf_printf(out, "CLI terminal is '%s'\n", term);
	cfg_buf_printf(out, "CLI timestamp %s\n", cfg_rel_value(root, "timestamp") ? "enabled" : "disabled");
}

static int h_show_cli(struct cfg_cmd *c)
{
	struct cfg_reply *r = cfg_reply_new("cli-settings");
	struct cfg_rel *root = cfg_reply_root(r);
	cfg_rel_leaf(root, "complete-on-space", "on");
	cfg_rel_leaff(root, "screen-length", "%u", cfg_session_screen_length(c->s));
	cfg_rel_leaff(root, "screen-width", "%u", cfg_session_screen_width(c->s));
	if (cfg_session_tty(c->s))
		cfg_rel_leaf(root, "terminal", "tty");
	return cfg_reply_emit(r, &c->disp, c->out, cli_text, NULL);
}

int cfg_opcmd_register_all(struct cfg_daemon *d)
{
	/* a commit at that was pending when the daemon stopped */
	struct pending p;
	if (pending_get(d, &p) == 0) {
		commit_at_schedule(d, p.when);
		free(p.buf);
	}

	static const struct {
		const char *name;
		cfg_handler_fn fn;
	} tab[] = {
		{"show_system_rollback", h_show_system_rollback},
		{"clear_system_commit", h_clear_system_commit},
		{"show_cli", h_show_cli},
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (cfg_daemon_register(d, tab[i].name, tab[i].fn) < 0)
			return -1;
	return cfg_help_register_all(d);
}
