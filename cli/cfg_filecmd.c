/* cfg_filecmd — the `file` commands of the JDM and JCP CLIs. See cfg_filecmd.h. */
#include "cfg_filecmd.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_cmd.h"
#include "cfg_err.h"
#include "cfg_file.h"
#include "cfg_proto.h"
#include "cfg_session.h"

struct cfg_filecmd {
	char image_dir[PATH_MAX]; /* "": none (jcpd) */
};

/* The cli's answer: its output, or why it could not. */
static int fop_answer(struct cfg_session *s, void *ctx, const char *in, size_t len, bool eof,
                      struct cfg_buf *out)
{
	(void)s;
	(void)ctx;
	if (eof) {
		int n = len > 400 ? 400 : (int)len;
		return cfg_err_set("%.*s", n, len ? in : "file operation failed");
	}
	cfg_buf_add(out, in, len);
	return 0;
}

/* Ask the cli to do OP with A (and B) as its user. */
static int ask_cli(struct cfg_cmd *c, const char *op, const char *a, const char *b)
{
	struct cfg_filecmd *f = c->ctx;
	if ((a && strchr(a, '\n')) || (b && strchr(b, '\n')))
		return cfg_err_set("invalid file name");
	struct cfg_buf q;
	cfg_buf_init(&q);
	cfg_buf_printf(&q, "%s\n%s\n%s", op, f->image_dir, a ? a : "");
	if (b)
		cfg_buf_printf(&q, "\n%s", b);
	int rc = cfg_session_ask(c->s, CFG_ASK_MULTI | CFG_ASK_FOP, q.p, fop_answer, NULL, NULL, c->out);
	cfg_buf_free(&q);
	return rc;
}

/* The I-th word of the command's `rest` leaf, or NULL. */
static const char *rest_word(const struct cfg_cmd *c, size_t i)
{
	size_t r = cfg_cmd_rest(c);
	return r + i < c->end ? c->w->w[r + i].s : NULL;
}

static int too_many(const struct cfg_cmd *c, size_t n)
{
	return rest_word(c, n) ? cfg_err_set("syntax error, expecting <command>: %s", rest_word(c, n)) : 0;
}

/* A length without trailing slashes. */
static size_t trimmed(const char *p)
{
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	return n;
}

/* PATH names the image directory itself (as configured or canonical). */
static bool is_image_dir(const char *path, const char *dir)
{
	char real[PATH_MAX];
	const char *dirs[2] = {dir, realpath(dir, real) ? real : dir};
	size_t pl = trimmed(path);
	for (int i = 0; i < 2; i++)
		if (pl == trimmed(dirs[i]) && !strncmp(path, dirs[i], pl))
			return true;
	return false;
}

static int h_list(struct cfg_cmd *c)
{
	struct cfg_filecmd *f = c->ctx;
	const char *path = cfg_cmd_value(c, "path");
	bool detail = cfg_cmd_has(c, "detail");
	/* the image directory's own listing (names, sizes, times) is the daemon's;
	 * anything below it the cli lists as the user */
	if (path && f->image_dir[0] && is_image_dir(path, f->image_dir))
		return cfg_file_list(NULL, f->image_dir, path, detail, c->out);
	return ask_cli(c, detail ? "list-detail" : "list", path, NULL);
}

static int h_show(struct cfg_cmd *c)
{
	const char *name = rest_word(c, 0);
	if (!name)
		return cfg_err_set("missing argument.");
	if (too_many(c, 1) < 0)
		return -1;
	return ask_cli(c, "show", name, NULL);
}

static int h_copy(struct cfg_cmd *c)
{
	const char *src = rest_word(c, 0), *dst = rest_word(c, 1);
	if (!src || !dst)
		return cfg_err_set("missing argument.");
	if (too_many(c, 2) < 0)
		return -1;
	return ask_cli(c, "copy", src, dst);
}

static int h_delete(struct cfg_cmd *c)
{
	const char *name = rest_word(c, 0);
	if (!name)
		return cfg_err_set("missing argument.");
	if (too_many(c, 1) < 0)
		return -1;
	return ask_cli(c, "delete", name, NULL);
}

struct cfg_filecmd *cfg_filecmd_new(struct cfg_daemon *d, const char *image_dir)
{
	struct cfg_filecmd *f = calloc(1, sizeof *f);
	if (!f) {
		cfg_err_set("out of memory");
		return NULL;
	}
	const char *dir = image_dir ? image_dir : "";
	size_t n = strcspn(dir, ":");
	snprintf(f->image_dir, sizeof f->image_dir, "%.*s", (int)n, dir);
	if (cfg_daemon_register_ctx(d, "file_list", h_list, f) < 0 ||
	    cfg_daemon_register_ctx(d, "file_show", h_show, f) < 0 ||
	    cfg_daemon_register_ctx(d, "file_copy", h_copy, f) < 0 ||
	    cfg_daemon_register_ctx(d, "file_delete", h_delete, f) < 0) {
		free(f);
		return NULL;
	}
	return f;
}

void cfg_filecmd_free(struct cfg_filecmd *f) { free(f); }
