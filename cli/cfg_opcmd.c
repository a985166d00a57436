/* cfg_opcmd — see cfg_opcmd.h. */
#include "cfg_opcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_cmd.h"
#include "cfg_err.h"
#include "cfg_render.h"
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

int cfg_opcmd_register_all(struct cfg_daemon *d)
{
	static const struct {
		const char *name;
		cfg_handler_fn fn;
	} tab[] = {
		{"show_system_rollback", h_show_system_rollback},
	};
	for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
		if (cfg_daemon_register(d, tab[i].name, tab[i].fn) < 0)
			return -1;
	return 0;
}
