/* nc_rpc — NETCONF operations over the daemon socket. See nc_rpc.h. */
#include "nc_rpc.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cfg_err.h"
#include "cfg_load.h"
#include "cfg_tree.h"
#include "cfg_reply.h"
#include "cfg_schema.h"
#include "cfg_schema_data.h"
#include "cfg_xml.h"
#include "nc_filter.h"
#include "nc_yang.h"

#define NC_NS_NOTIF "urn:ietf:params:xml:ns:netconf:notification:1.0"
#define NC_NS_NOTIFS "urn:ietf:params:xml:ns:yang:ietf-netconf-notifications"
#define NC_NS_MON "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"

enum mode { M_OPER, M_SHARED, M_EXCL, M_PRIV };

struct nc_rpc {
	struct nc_dmn *d;
	const char *target;
	struct cfg_schema *schema; /* configuration schema of TARGET */
	struct cfg_schema *ops;    /* its operational commands */
	unsigned sid;
	enum mode mode;
	bool subscribed;
};

static const struct cfg_schema *config_schema(struct nc_rpc *r);
static const struct cfg_schema *ops_schema(struct nc_rpc *r);

/* ------------------------------------------------------------ helpers */

static void xml_text(struct cfg_buf *b, const char *s, size_t n)
{
	const char *run = s, *end = s + n;
	for (const char *p = s; p < end; p++) {
		const char *rep = NULL;
		switch (*p) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		default: break;
		}
		if (rep) {
			cfg_buf_add(b, run, (size_t)(p - run));
			cfg_buf_puts(b, rep);
			run = p + 1;
		}
	}
	cfg_buf_add(b, run, (size_t)(end - run));
}

static void xml_puts(struct cfg_buf *b, const char *s) { xml_text(b, s, strlen(s)); }

static bool is_elem(xmlNodePtr n) { return n && n->type == XML_ELEMENT_NODE; }

static bool named(xmlNodePtr n, const char *name)
{
	return is_elem(n) && !strcmp((const char *)n->name, name);
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr k = n ? n->children : NULL; k; k = k->next)
		if (named(k, name))
			return k;
	return NULL;
}

static xmlNodePtr first_elem(xmlNodePtr n)
{
	for (xmlNodePtr k = n ? n->children : NULL; k; k = k->next)
		if (is_elem(k))
			return k;
	return NULL;
}

/* Text of N trimmed (malloc'ed), "" when N is NULL. */
static char *text(xmlNodePtr n)
{
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	const char *s = t ? (const char *)t : "";
	while (isspace((unsigned char)*s))
		s++;
	size_t l = strlen(s);
	while (l && isspace((unsigned char)s[l - 1]))
		l--;
	char *r = strndup(s, l);
	xmlFree(t);
	if (!r)
		abort();
	return r;
}

static const char *prop(xmlNodePtr n, const char *name, char *buf, size_t sz)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	if (!v)
		return NULL;
	snprintf(buf, sz, "%s", (const char *)v);
	xmlFree(v);
	return buf;
}

/* A CLI word, quoted when it must be. */
static void word(struct cfg_buf *b, const char *v)
{
	if (*v && !strpbrk(v, " \t\"'\\;{}[]#|\n")) {
		cfg_buf_puts(b, v);
		return;
	}
	cfg_buf_putc(b, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '\n')
			continue;
		if (*p == '"' || *p == '\\')
			cfg_buf_putc(b, '\\');
		cfg_buf_putc(b, *p);
	}
	cfg_buf_putc(b, '"');
}

/* ------------------------------------------------------------ errors */

struct err {
	const char *type, *tag;
	char *path, *msg, *info; /* info: error-info contents (XML), may be NULL */
};

static void put_error(struct cfg_buf *b, const char *type, const char *tag, const char *path,
                      const char *msg, const char *info)
{
	cfg_buf_printf(b, "<rpc-error>\n<error-type>%s</error-type>\n<error-tag>%s</error-tag>\n"
	                  "<error-severity>error</error-severity>\n", type, tag);
	if (path && *path) {
		cfg_buf_puts(b, "<error-path>");
		xml_puts(b, path);
		cfg_buf_puts(b, "</error-path>\n");
	}
	if (msg && *msg) {
		cfg_buf_puts(b, "<error-message>");
		xml_puts(b, msg);
		cfg_buf_puts(b, "</error-message>\n");
	}
	if (info)
		cfg_buf_printf(b, "<error-info>%s</error-info>\n", info);
	cfg_buf_puts(b, "</rpc-error>\n");
}

/* The CLI's output of a failed command as <rpc-error>s: each `[edit ...]`
 * block (its indented lines are the message) and each `error:` line. TAG
 * for what is not recognised as a lock or permission problem. */
static void errors_from_cli(struct cfg_buf *b, const char *outp, const char *tag)
{
	char *copy = strdup(outp ? outp : "");
	if (!copy)
		abort();
	char *path = NULL;
	struct cfg_buf msg = {0};
	int n = 0;
	char *save = NULL;
	bool locked = false;
	struct cfg_buf holder = {0};
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (locked && strstr(l, "(pid ")) {
			cfg_buf_printf(&holder, "<session-id>%ld</session-id>",
			               strtol(strstr(l, "(pid ") + 5, NULL, 10));
			continue;
		}
		if (!strncmp(l, "[edit", 5)) {
			if (path && msg.len) {
				put_error(b, "application", tag, path, msg.p, NULL);
				n++;
			}
			free(path);
			path = strdup(l);
			cfg_buf_reset(&msg);
			continue;
		}
		if (!strncmp(l, "error: ", 7)) {
			const char *m = l + 7;
			if (path && msg.len) {
				put_error(b, "application", tag, path, msg.p, NULL);
				n++;
				free(path);
				path = NULL;
				cfg_buf_reset(&msg);
			}
			if (strstr(m, "locked by")) {
				locked = true;
				continue;
			}
			const char *t = strstr(m, "permission denied") || strstr(m, "not authorized") ||
			                strstr(m, "access denied") ? "access-denied" : tag;
			put_error(b, strcmp(t, "access-denied") ? "application" : "protocol", t,
			          path, m, NULL);
			n++;
			continue;
		}
		if (path) {
			const char *s = l;
			while (isspace((unsigned char)*s))
				s++;
			if (*s) {
				if (msg.len)
					cfg_buf_putc(&msg, ' ');
				cfg_buf_puts(&msg, s);
			}
			continue;
		}
		if (!strncmp(l, "load complete", 13) || !strncmp(l, "load failed", 11))
			continue; /* the count of the errors reported above */
		if (strstr(l, "error")) {
			const char *s = l;
			while (isspace((unsigned char)*s))
				s++;
			/* "terminal:3:(5) error: MSG": the loader's position, then MSG */
			const char *e = strstr(s, ") error: ");
			const char *m = e && s[strcspn(s, ":")] == ':' ? e + 9 : s;
			put_error(b, "application", tag, NULL, m, NULL);
			n++;
		}
	}
	if (path && msg.len) {
		put_error(b, "application", tag, path, msg.p, NULL);
		n++;
	}
	if (locked) {
		put_error(b, "protocol", "lock-denied", NULL, "configuration database locked by another session",
		          holder.len ? holder.p : "<session-id>0</session-id>");
		n++;
	}
	if (!n)
		put_error(b, "application", tag, NULL, outp && *outp ? outp : "command failed", NULL);
	free(path);
	free(copy);
	cfg_buf_free(&msg);
	cfg_buf_free(&holder);
}

/* ------------------------------------------------------------ daemon */

static int run(struct nc_rpc *r, const char *line, const char *in, size_t ilen, struct cfg_buf *out)
{
	cfg_buf_reset(out);
	if (!r->d) {
		cfg_buf_puts(out, "error: no management daemon\n");
		return -1;
	}
	int rc = nc_dmn_run(r->d, line, in, ilen, out);
	if (!nc_dmn_in_config(r->d))
		r->mode = M_OPER; /* the command left configuration mode */
	if (rc < 0) {
		cfg_buf_reset(out);
		cfg_buf_printf(out, "error: %s\n", cfg_err_msg());
	}
	return rc;
}

/* An operational command line in whatever mode the session is in. */
static int run_op(struct nc_rpc *r, const char *line, struct cfg_buf *out)
{
	if (r->mode == M_OPER)
		return run(r, line, NULL, 0, out);
	struct cfg_buf l = {0};
	cfg_buf_printf(&l, "run %s", line);
	int rc = run(r, l.p, NULL, 0, out);
	cfg_buf_free(&l);
	return rc;
}

static void truncate_to(struct cfg_buf *b, size_t len)
{
	if (b->p && len <= b->len) {
		b->len = len;
		b->p[len] = '\0';
	}
}

/* The reply of LINE as data, appended to OUT (on an error: its text). */
static int query(struct nc_rpc *r, const char *line, struct cfg_buf *out)
{
	size_t mark = out->len;
	if (!r->d) {
		cfg_buf_puts(out, "error: no management daemon\n");
		return -1;
	}
	int rc = nc_dmn_query(r->d, line, out);
	if (rc < 0) {
		truncate_to(out, mark);
		cfg_buf_printf(out, "error: %s\n", cfg_err_msg());
	}
	return rc;
}

static void leave_config(struct nc_rpc *r)
{
	if (r->mode == M_OPER)
		return;
	struct cfg_buf o = {0};
	run(r, "exit configuration-mode", NULL, 0, &o);
	cfg_buf_free(&o);
	r->mode = M_OPER;
}

/* Configuration mode WANT (M_SHARED also accepts the mode we are in, for
 * reads and edits). 0, or -1 with the errors in ERRS. */
static int enter_config(struct nc_rpc *r, enum mode want, struct cfg_buf *errs)
{
	if (r->mode == want || (want == M_SHARED && r->mode != M_OPER))
		return 0;
	leave_config(r);
	const char *line = want == M_EXCL ? "configure exclusive" : want == M_PRIV ? "configure private"
	                                                                            : "configure";
	struct cfg_buf o = {0};
	int rc = run(r, line, NULL, 0, &o);
	if (rc != 0) {
		errors_from_cli(errs, o.p, "operation-failed");
		cfg_buf_free(&o);
		return -1;
	}
	cfg_buf_free(&o);
	r->mode = want;
	return 0;
}

/* ------------------------------------------------------------ config data */

/* The <configuration> element of the candidate (CANDIDATE) or the active
 * configuration, as the CLI's `| display xml` shows it to this user, into
 * OUT (a document). 0 or -1 (errors in ERRS). */
static int config_xml(struct nc_rpc *r, bool candidate, struct cfg_buf *out, struct cfg_buf *errs)
{
	int rc;
	if (candidate) {
		if (enter_config(r, M_SHARED, errs) < 0)
			return -1;
		struct cfg_buf o = {0};
		rc = run(r, "show | display xml", NULL, 0, &o); /* tty=0: never paged */
		if (rc == 0) {
			/* the CLI's <rpc-reply> wrapper: keep the <configuration> */
			const char *a = strstr(o.p ? o.p : "", "<configuration");
			const char *e = a ? strstr(a, "</configuration>") : NULL;
			if (a && e) {
				cfg_buf_add(out, a, (size_t)(e - a) + strlen("</configuration>"));
				cfg_buf_putc(out, '\n');
			} else {
				cfg_buf_puts(out, "<configuration/>\n");
			}
		} else {
			errors_from_cli(errs, o.p, "operation-failed");
		}
		cfg_buf_free(&o);
		return rc == 0 ? 0 : -1;
	}
	size_t mark = out->len;
	rc = query(r, "show configuration", out);
	if (rc != 0) {
		errors_from_cli(errs, out->p ? out->p + mark : "", "operation-failed");
		truncate_to(out, mark);
		return -1;
	}
	return 0;
}

/* CONF (XML document text) filtered by FILTER (a <filter> or Junos
 * <configuration> subtree; NULL: all) appended to OUT without its XML
 * declaration. The junos: prefix is declared on the reply. */
static void put_filtered(struct cfg_buf *out, const char *conf, size_t len, xmlNodePtr filter)
{
	if (!filter) {
		const char *p = conf;
		if (!strncmp(p, "<?xml", 5) && strchr(p, '\n'))
			p = strchr(p, '\n') + 1;
		cfg_buf_add(out, p, len - (size_t)(p - conf));
		return;
	}
	nc_filter_apply(out, conf, len, filter);
}

/* ------------------------------------------------------------ loading */

/* Load TEXT with `load KIND terminal` in the candidate. 0 or -1 (ERRS). */
static int load_text(struct nc_rpc *r, const char *kind, const char *textp, size_t len,
                     struct cfg_buf *errs)
{
	if (enter_config(r, M_SHARED, errs) < 0)
		return -1;
	struct cfg_buf line = {0}, o = {0};
	cfg_buf_printf(&line, "load %s terminal", kind);
	int rc = run(r, line.p, textp, len, &o);
	if (rc == 0 && o.p && (strstr(o.p, "load failed") || strstr(o.p, "error:")))
		rc = 1;
	if (rc != 0)
		errors_from_cli(errs, o.p, "invalid-value");
	cfg_buf_free(&line);
	cfg_buf_free(&o);
	return rc == 0 ? 0 : -1;
}

/* create/delete operations of C against the candidate as this user sees
 * it (`show | display set`). 0, or -1 with the rpc-error in ERRS. */
static int candidate_check(struct nc_rpc *r, struct cfg_xml *c, struct cfg_buf *errs)
{
	if (enter_config(r, M_SHARED, errs) < 0)
		return -1;
	struct cfg_buf o = {0};
	if (run(r, "show | display set", NULL, 0, &o) != 0) {
		errors_from_cli(errs, o.p, "operation-failed");
		cfg_buf_free(&o);
		return -1;
	}
	struct cfg_tree *t = cfg_tree_new(config_schema(r));
	if (!t)
		abort();
	cfg_load_set(t, NULL, o.p ? o.p : "", o.len, "candidate", 0, NULL);
	int rc = cfg_xml_check(c, t);
	if (rc < 0)
		put_error(errs, "application", c->err_tag, c->err_path, c->err_msg, NULL);
	cfg_tree_free(t);
	cfg_buf_free(&o);
	return rc;
}

/* XML configuration CONF with default operation DEFOP (or, OVERRIDE, the
 * whole candidate replaced by it) into the candidate. */
static int load_xml(struct nc_rpc *r, xmlNodePtr conf, const char *defop, const char *action,
                    bool test_only, struct cfg_buf *errs)
{
	struct cfg_xml c;
	bool curly = action && (!strcmp(action, "override") || !strcmp(action, "update"));
	if (cfg_xml_parse(&c, config_schema(r), conf, defop, curly ? CFG_XML_TREE : 0) < 0) {
		put_error(errs, "application", c.err_tag, c.err_path, c.err_msg, NULL);
		cfg_xml_free(&c);
		return -1;
	}
	int rc = 0;
	if (c.n_checks && candidate_check(r, &c, errs) < 0) {
		cfg_xml_free(&c);
		return -1;
	}
	if (!test_only) {
		struct cfg_buf t = {0};
		if (curly) {
			cfg_xml_curly_text(&c, &t);
			rc = load_text(r, action, t.p, t.len, errs);
		} else {
			cfg_xml_set_text(&c, &t);
			rc = t.len ? load_text(r, "set", t.p, t.len, errs) : enter_config(r, M_SHARED, errs);
		}
		cfg_buf_free(&t);
	}
	cfg_xml_free(&c);
	return rc;
}

/* ------------------------------------------------------------ commit */

struct commit_opts {
	bool check, confirmed, synchronize;
	long minutes; /* confirmed: the timeout */
	char *comment;
	char *at;     /* Junos <at-time>: `commit at TIME` */
};

static int do_commit(struct nc_rpc *r, const struct commit_opts *o, struct cfg_buf *errs)
{
	if (enter_config(r, M_SHARED, errs) < 0)
		return -1;
	struct cfg_buf line = {0}, out = {0};
	cfg_buf_puts(&line, "commit");
	if (o->check)
		cfg_buf_puts(&line, " check");
	else if (o->confirmed)
		cfg_buf_printf(&line, " confirmed %ld", o->minutes > 0 ? o->minutes : 10);
	if (o->synchronize && !o->check)
		cfg_buf_puts(&line, " synchronize");
	if (o->comment && *o->comment && !o->check) {
		cfg_buf_puts(&line, " comment ");
		word(&line, o->comment);
	}
	if (o->at && *o->at && !o->check && !o->confirmed) {
		cfg_buf_puts(&line, " at ");
		word(&line, o->at);
	}
	int rc = run(r, line.p, NULL, 0, &out);
	if (rc != 0)
		errors_from_cli(errs, out.p, "operation-failed");
	cfg_buf_free(&line);
	cfg_buf_free(&out);
	return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ replies */

struct reply {
	struct cfg_buf *body; /* the reply's contents: appended to the output
	                         directly, after the <rpc-reply> line (big
	                         replies are not copied again) */
	struct cfg_buf errs;  /* <rpc-error>s */
	bool ok;              /* <ok/> when the body is empty */
	bool end;             /* the session ends after it */
};

static void datastore_err(struct cfg_buf *errs, const char *what)
{
	put_error(errs, "protocol", "operation-not-supported", NULL, what, NULL);
}

/* <source>/<target> datastore name: "running", "candidate", "config" ... */
static const char *datastore(xmlNodePtr op, const char *which, xmlNodePtr *inline_cfg)
{
	xmlNodePtr s = child(op, which);
	xmlNodePtr e = first_elem(s);
	if (!e)
		return NULL;
	if (inline_cfg)
		*inline_cfg = e;
	return (const char *)e->name;
}

static void op_get_config(struct nc_rpc *r, xmlNodePtr op, struct reply *rp, bool get)
{
	const char *src = get ? "running" : datastore(op, "source", NULL);
	if (!src || (strcmp(src, "running") && strcmp(src, "candidate"))) {
		datastore_err(&rp->errs, "source must be <running/> or <candidate/>");
		return;
	}
	xmlNodePtr f = child(op, "filter");
	if (get && f && child(f, "netconf-state")) {
		/* RFC 6022: the schemas get-schema serves */
		cfg_buf_printf(rp->body, "<data>\n<netconf-state xmlns=\"%s\">\n", NC_NS_MON);
		nc_yang_schemas(rp->body);
		cfg_buf_puts(rp->body, "</netconf-state>\n</data>\n");
		return;
	}
	char buf[32];
	if (f && prop(f, "type", buf, sizeof buf) && strcmp(buf, "subtree")) {
		put_error(&rp->errs, "protocol", "bad-attribute", NULL, "only subtree filters are supported",
		          "<bad-attribute>type</bad-attribute><bad-element>filter</bad-element>");
		return;
	}
	if (!f) {
		/* the whole configuration: the daemon's answer lands in the reply */
		size_t mark = rp->body->len;
		cfg_buf_puts(rp->body, "<data>\n");
		if (config_xml(r, !strcmp(src, "candidate"), rp->body, &rp->errs) == 0)
			cfg_buf_puts(rp->body, "</data>\n");
		else
			truncate_to(rp->body, mark);
		return;
	}
	struct cfg_buf c = {0};
	if (config_xml(r, !strcmp(src, "candidate"), &c, &rp->errs) == 0) {
		cfg_buf_puts(rp->body, "<data>\n");
		put_filtered(rp->body, c.p, c.len, f);
		cfg_buf_puts(rp->body, "</data>\n");
	}
	cfg_buf_free(&c);
}

static void op_edit_config(struct nc_rpc *r, xmlNodePtr op, struct reply *rp)
{
	const char *tgt = datastore(op, "target", NULL);
	if (!tgt || strcmp(tgt, "candidate")) {
		datastore_err(&rp->errs, "target must be <candidate/> (lock it, edit, then commit)");
		return;
	}
	xmlNodePtr conf = child(op, "config");
	if (!conf) {
		put_error(&rp->errs, "protocol", "missing-element", NULL, "edit-config needs <config>",
		          "<bad-element>config</bad-element>");
		return;
	}
	char *defop = text(child(op, "default-operation"));
	char *test = text(child(op, "test-option"));
	char *eo = text(child(op, "error-option"));
	if (*eo && strcmp(eo, "stop-on-error") && strcmp(eo, "rollback-on-error") &&
	    strcmp(eo, "continue-on-error")) {
		put_error(&rp->errs, "protocol", "bad-element", NULL, "invalid error-option",
		          "<bad-element>error-option</bad-element>");
	} else if (*test && strcmp(test, "test-then-set") && strcmp(test, "set") &&
	           strcmp(test, "test-only")) {
		put_error(&rp->errs, "protocol", "bad-element", NULL, "invalid test-option",
		          "<bad-element>test-option</bad-element>");
	} else {
		/* every statement is checked against the schema before anything is
		   loaded, and the load is one `load set terminal`: the candidate
		   takes all of it or nothing of what the schema refuses */
		load_xml(r, conf, *defop ? defop : "merge", NULL, !strcmp(test, "test-only"), &rp->errs);
	}
	free(defop);
	free(test);
	free(eo);
}

static void op_copy_config(struct nc_rpc *r, xmlNodePtr op, struct reply *rp)
{
	xmlNodePtr inl = NULL;
	const char *tgt = datastore(op, "target", NULL);
	const char *src = datastore(op, "source", &inl);
	if (!tgt || !src) {
		put_error(&rp->errs, "protocol", "missing-element", NULL, "copy-config needs <source> and <target>", NULL);
		return;
	}
	struct cfg_buf o = {0};
	if (!strcmp(tgt, "candidate") && !strcmp(src, "config")) {
		load_xml(r, inl, "merge", "override", false, &rp->errs);
	} else if (!strcmp(tgt, "candidate") && !strcmp(src, "running")) {
		if (enter_config(r, M_SHARED, &rp->errs) == 0 && run(r, "rollback 0", NULL, 0, &o) != 0)
			errors_from_cli(&rp->errs, o.p, "operation-failed");
	} else if (!strcmp(tgt, "running") && !strcmp(src, "candidate")) {
		struct commit_opts co = {0};
		do_commit(r, &co, &rp->errs);
	} else {
		datastore_err(&rp->errs, "copy-config supports <config>/<running> to <candidate> and "
		                         "<candidate> to <running>");
	}
	cfg_buf_free(&o);
}

static void op_lock(struct nc_rpc *r, xmlNodePtr op, struct reply *rp, bool lock)
{
	const char *tgt = datastore(op, "target", NULL);
	if (!tgt || (strcmp(tgt, "candidate") && strcmp(tgt, "running"))) {
		datastore_err(&rp->errs, "the lock is the candidate's (configure exclusive)");
		return;
	}
	if (lock) {
		if (r->mode == M_EXCL) {
			char info[64];
			snprintf(info, sizeof info, "<session-id>%u</session-id>", r->sid);
			put_error(&rp->errs, "protocol", "lock-denied", NULL, "the lock is already held by this session",
			          info);
			return;
		}
		enter_config(r, M_EXCL, &rp->errs);
		return;
	}
	if (r->mode != M_EXCL) {
		put_error(&rp->errs, "protocol", "operation-failed", NULL, "the lock is not held by this session",
		          NULL);
		return;
	}
	leave_config(r);
}

static void op_commit(struct nc_rpc *r, xmlNodePtr op, struct reply *rp, bool junos)
{
	struct commit_opts o = {0};
	if (junos) {
		o.check = child(op, "check") != NULL;
		o.confirmed = child(op, "confirmed") != NULL;
		char *t = text(child(op, "confirm-timeout"));
		o.minutes = strtol(t, NULL, 10); /* Junos: minutes */
		free(t);
		o.comment = text(child(op, "log"));
		o.synchronize = child(op, "synchronize") || child(op, "force-synchronize");
		o.at = text(child(op, "at-time"));
	} else {
		o.confirmed = child(op, "confirmed") != NULL;
		char *t = text(child(op, "confirm-timeout"));
		long secs = *t ? strtol(t, NULL, 10) : 600; /* RFC 6241: seconds */
		free(t);
		if (secs <= 0) {
			put_error(&rp->errs, "protocol", "invalid-value", NULL, "confirm-timeout must be positive",
			          "<bad-element>confirm-timeout</bad-element>");
			return;
		}
		o.minutes = (secs + 59) / 60;
	}
	if (do_commit(r, &o, &rp->errs) == 0 && junos) {
		cfg_buf_puts(rp->body, "<commit-results>\n<routing-engine junos:style=\"normal\">\n"
		                        "<name>re0</name>\n");
		cfg_buf_puts(rp->body, o.check ? "<commit-check-success/>\n" : "<commit-success/>\n");
		cfg_buf_puts(rp->body, "</routing-engine>\n</commit-results>\n");
	}
	free(o.comment);
	free(o.at);
}

static void op_cancel_commit(struct nc_rpc *r, struct reply *rp)
{
	/* the configuration before the confirmed commit, committed again; only
	   while one waits for its confirmation (show system commit says so) */
	struct cfg_buf o = {0};
	if (query(r, "show system commit", &o) != 0) {
		errors_from_cli(&rp->errs, o.p, "operation-failed");
		cfg_buf_free(&o);
		return;
	}
	const char *first = strstr(o.p ? o.p : "", "<commit-history>");
	const char *second = first ? strstr(first + 1, "<commit-history>") : NULL;
	const char *pending = first ? strstr(first, "<rollback-pending-minutes>") : NULL;
	if (!pending || (second && pending > second)) {
		put_error(&rp->errs, "protocol", "operation-failed", NULL, "no confirmed commit is pending", NULL);
		cfg_buf_free(&o);
		return;
	}
	cfg_buf_reset(&o);
	if (enter_config(r, M_SHARED, &rp->errs) == 0) {
		if (run(r, "rollback 1", NULL, 0, &o) != 0)
			errors_from_cli(&rp->errs, o.p, "operation-failed");
		else {
			struct commit_opts co = {.comment = (char *)"cancel-commit"};
			do_commit(r, &co, &rp->errs);
		}
	}
	cfg_buf_free(&o);
}

/* <get-configuration database=committed|candidate format=xml|text|set
 * compare=rollback rollback=N>[<configuration> filter]</get-configuration> */
static void op_get_configuration(struct nc_rpc *r, xmlNodePtr op, struct reply *rp)
{
	char db[32] = "candidate", fmt[16] = "xml", cmp[16] = "", rb[16] = "0";
	prop(op, "database", db, sizeof db);
	prop(op, "format", fmt, sizeof fmt);
	prop(op, "compare", cmp, sizeof cmp);
	prop(op, "rollback", rb, sizeof rb);
	bool cand = strcmp(db, "committed") != 0;
	if (strcmp(fmt, "xml") && strcmp(fmt, "text") && strcmp(fmt, "set")) {
		put_error(&rp->errs, "protocol", "invalid-value", NULL, "format must be xml, text or set",
		          "<bad-attribute>format</bad-attribute>");
		return;
	}
	if (strcmp(db, "committed") && strcmp(db, "candidate")) {
		put_error(&rp->errs, "protocol", "invalid-value", NULL, "database must be committed or candidate",
		          "<bad-attribute>database</bad-attribute>");
		return;
	}
	struct cfg_buf o = {0}, line = {0};
	if (!strcmp(cmp, "rollback")) {
		long n = strtol(rb, NULL, 10);
		if (n < 0 || n > 49) {
			put_error(&rp->errs, "protocol", "invalid-value", NULL, "rollback must be 0..49", NULL);
			return;
		}
		if (enter_config(r, M_SHARED, &rp->errs) < 0)
			return;
		cfg_buf_printf(&line, "show | compare rollback %ld", n);
		if (run(r, line.p, NULL, 0, &o) != 0) {
			errors_from_cli(&rp->errs, o.p, "operation-failed");
		} else {
			cfg_buf_puts(rp->body, "<configuration-information>\n<configuration-output>");
			xml_text(rp->body, o.len ? o.p : "\n", o.len ? o.len : 1);
			cfg_buf_puts(rp->body, "</configuration-output>\n</configuration-information>\n");
		}
	} else if (!strcmp(fmt, "text") || !strcmp(fmt, "set")) {
		const char *pipe = !strcmp(fmt, "set") ? " | display set" : "";
		int rc;
		if (cand) {
			rc = enter_config(r, M_SHARED, &rp->errs);
			if (rc == 0) {
				cfg_buf_printf(&line, "show%s", pipe);
				rc = run(r, line.p, NULL, 0, &o);
			}
		} else {
			cfg_buf_printf(&line, "show configuration%s", pipe);
			rc = run_op(r, line.p, &o);
		}
		if (rc > 0 || (rc < 0 && !rp->errs.len))
			errors_from_cli(&rp->errs, o.p, "operation-failed");
		else if (rc == 0) {
			const char *el = !strcmp(fmt, "set") ? "configuration-set" : "configuration-text";
			cfg_buf_printf(rp->body, "<%s>", el);
			xml_text(rp->body, o.p ? o.p : "", o.len);
			cfg_buf_printf(rp->body, "</%s>\n", el);
		}
	} else {
		xmlNodePtr f = child(op, "configuration");
		if (config_xml(r, cand, &o, &rp->errs) == 0)
			put_filtered(rp->body, o.p, o.len, f);
	}
	cfg_buf_free(&o);
	cfg_buf_free(&line);
}

/* <load-configuration action=merge|replace|override|set|update
 * format=xml|text|set rollback=N> <configuration>|<configuration-text>|
 * <configuration-set> */
static void op_load_configuration(struct nc_rpc *r, xmlNodePtr op, struct reply *rp)
{
	char action[16] = "merge", fmt[16] = "xml", rb[16] = "";
	prop(op, "action", action, sizeof action);
	prop(op, "format", fmt, sizeof fmt);
	int rc = -1;
	if (prop(op, "rollback", rb, sizeof rb)) {
		char *e;
		long n = strtol(rb, &e, 10);
		if (*e || n < 0 || n > 49) {
			put_error(&rp->errs, "protocol", "invalid-value", NULL, "rollback must be 0..49", NULL);
			return;
		}
		if (enter_config(r, M_SHARED, &rp->errs) == 0) {
			char line[32];
			snprintf(line, sizeof line, "rollback %ld", n);
			struct cfg_buf o = {0};
			rc = run(r, line, NULL, 0, &o);
			if (rc != 0)
				errors_from_cli(&rp->errs, o.p, "operation-failed");
			cfg_buf_free(&o);
		}
	} else if (strcmp(action, "merge") && strcmp(action, "replace") && strcmp(action, "override") &&
	           strcmp(action, "set") && strcmp(action, "update")) {
		put_error(&rp->errs, "protocol", "bad-attribute", NULL, "invalid action",
		          "<bad-attribute>action</bad-attribute>");
		return;
	} else {
		xmlNodePtr set = child(op, "configuration-set");
		xmlNodePtr txt = child(op, "configuration-text");
		xmlNodePtr xml = child(op, "configuration");
		if (set || !strcmp(action, "set")) {
			char *t = text(set ? set : txt);
			rc = load_text(r, "set", t, strlen(t), &rp->errs);
			free(t);
		} else if (txt) {
			char *t = text(txt);
			rc = load_text(r, action, t, strlen(t), &rp->errs);
			free(t);
		} else if (xml) {
			rc = load_xml(r, xml, "merge", action, false, &rp->errs);
		} else {
			put_error(&rp->errs, "protocol", "missing-element", NULL,
			          "load-configuration needs <configuration>, <configuration-text> or "
			          "<configuration-set>", NULL);
			return;
		}
	}
	if (rc == 0)
		cfg_buf_puts(rp->body, "<load-configuration-results>\n<load-success/>\n"
		                        "</load-configuration-results>\n");
}

/* <command format="text|xml">LINE</command> */
static void op_command(struct nc_rpc *r, xmlNodePtr op, struct reply *rp)
{
	char fmt[16] = "text";
	prop(op, "format", fmt, sizeof fmt);
	char *line = text(op);
	struct cfg_buf o = {0};
	if (!*line) {
		put_error(&rp->errs, "protocol", "missing-element", NULL, "command: no command", NULL);
	} else if (!strcmp(fmt, "xml") && !strchr(line, '|')) {
		if (query(r, line, &o) != 0)
			errors_from_cli(&rp->errs, o.p, "operation-failed");
		else
			put_filtered(rp->body, o.p, o.len, NULL);
	} else {
		/* the session said tty=0: its output is never paged */
		int rc = run_op(r, line, &o);
		if (rc != 0)
			errors_from_cli(&rp->errs, o.p, "operation-failed");
		else {
			cfg_buf_puts(rp->body, "<output>\n");
			xml_text(rp->body, o.p ? o.p : "", o.len);
			cfg_buf_puts(rp->body, "</output>\n");
		}
	}
	cfg_buf_free(&o);
	free(line);
}

/* `get-REPLY`: the operational command (no arguments) whose reply is
 * REPLY, as the command line into LINE. */
static bool find_reply_cmd(const struct cfg_schema *s, const char *reply, struct cfg_buf *line,
                           size_t depth, const struct cfg_schema **cmd)
{
	for (size_t i = 0; i < s->n_children; i++) {
		const struct cfg_schema *c = s->children[i];
		if (c->kind != CFG_CONTAINER)
			continue;
		size_t mark = line->len;
		if (depth)
			cfg_buf_putc(line, ' ');
		cfg_buf_puts(line, c->name);
		if (c->handler && c->reply && !strcmp(c->reply, reply)) {
			*cmd = c;
			return true;
		}
		if (find_reply_cmd(c, reply, line, depth + 1, cmd))
			return true;
		line->len = mark;
		if (line->p)
			line->p[mark] = '\0';
	}
	return false;
}

static bool op_reply_rpc(struct nc_rpc *r, xmlNodePtr op, struct reply *rp)
{
	const char *name = (const char *)op->name;
	if (strncmp(name, "get-", 4) || !strcmp(name + 4, "configuration"))
		return false;
	struct cfg_buf line = {0};
	const struct cfg_schema *cmd = NULL;
	if (!find_reply_cmd(ops_schema(r), name + 4, &line, 0, &cmd)) {
		cfg_buf_free(&line);
		return false;
	}
	/* arguments, by the command's schema: <flag/> is the word,
	   <name>V</name> of a positional argument V, of another `name V` */
	for (xmlNodePtr k = op->children; k; k = k->next) {
		if (!is_elem(k))
			continue;
		const struct cfg_schema *a = NULL;
		for (size_t i = 0; i < cmd->n_children && !a; i++)
			if (!strcmp(cmd->children[i]->name, (const char *)k->name))
				a = cmd->children[i];
		if (!a) {
			char info[160];
			snprintf(info, sizeof info, "<bad-element>%.100s</bad-element>", (const char *)k->name);
			put_error(&rp->errs, "protocol", "unknown-element", NULL, "syntax error: unknown argument", info);
			cfg_buf_free(&line);
			return true;
		}
		char *v = text(k);
		if (!(a->flags & CFG_F_POSITIONAL)) {
			cfg_buf_putc(&line, ' ');
			word(&line, a->name);
		}
		if (*v && a->type != CFG_T_FLAG) {
			cfg_buf_putc(&line, ' ');
			word(&line, v);
		}
		free(v);
	}
	struct cfg_buf o = {0};
	if (query(r, line.p, &o) != 0)
		errors_from_cli(&rp->errs, o.p, "operation-failed");
	else
		put_filtered(rp->body, o.p, o.len, NULL);
	cfg_buf_free(&o);
	cfg_buf_free(&line);
	return true;
}

static void op_get_schema(struct nc_rpc *r, xmlNodePtr op, struct reply *rp)
{
	char *id = text(child(op, "identifier"));
	char *fmt = text(child(op, "format"));
	struct cfg_buf y = {0};
	if (*fmt && strcmp(fmt, "yang") && !strstr(fmt, ":yang")) {
		put_error(&rp->errs, "application", "invalid-value", NULL, "only the yang format is served", NULL);
	} else if (nc_yang_module(id, &y) < 0) {
		put_error(&rp->errs, "application", "invalid-value", NULL, "no such schema",
		          "<bad-element>identifier</bad-element>");
	} else {
		cfg_buf_printf(rp->body, "<data xmlns=\"%s\">", NC_NS_MON);
		xml_text(rp->body, y.p, y.len);
		cfg_buf_puts(rp->body, "</data>\n");
	}
	cfg_buf_free(&y);
	free(id);
	free(fmt);
	(void)r;
}

static void op_subscribe(struct nc_rpc *r, xmlNodePtr op, struct reply *rp)
{
	(void)op;
	if (r->subscribed) {
		put_error(&rp->errs, "protocol", "operation-failed", NULL, "a subscription is already active", NULL);
		return;
	}
	if (!r->d || nc_dmn_watch(r->d, "commit-event") < 0) {
		put_error(&rp->errs, "application", "operation-failed", NULL, "cannot subscribe to events", NULL);
		return;
	}
	r->subscribed = true;
}

/* kill-session: another NETCONF session (its session-id is its
 * nfx-netconf's pid) ends; the daemon then drops its daemon session, lock
 * and private candidate as for any client that went away. Who may: kill(2)
 * decides, so a user ends only their own sessions (root anyone's); only an
 * nfx-netconf process is ever signalled. */
static void op_kill_session(struct nc_rpc *r, xmlNodePtr op, struct reply *rp)
{
	char *t = text(child(op, "session-id"));
	char *e;
	long pid = strtol(t, &e, 10);
	bool num = *t && !*e;
	free(t);
	if (!num || pid <= 1 || (unsigned long)pid == r->sid) {
		put_error(&rp->errs, "protocol", "invalid-value", NULL,
		          (unsigned long)pid == r->sid ? "kill-session of this session: use close-session"
		                                       : "session-id is not a NETCONF session",
		          "<bad-element>session-id</bad-element>");
		return;
	}
	char path[64], comm[32] = "";
	snprintf(path, sizeof path, "/proc/%ld/comm", pid);
	FILE *f = fopen(path, "r");
	if (f) {
		if (!fgets(comm, sizeof comm, f))
			comm[0] = '\0';
		fclose(f);
	}
	comm[strcspn(comm, "\n")] = '\0';
	if (strcmp(comm, "nfx-netconf")) {
		put_error(&rp->errs, "protocol", "invalid-value", NULL, "no NETCONF session with that session-id",
		          "<bad-element>session-id</bad-element>");
		return;
	}
	if (kill((pid_t)pid, SIGTERM) < 0)
		put_error(&rp->errs, "protocol", errno == EPERM ? "access-denied" : "operation-failed", NULL,
		          errno == EPERM ? "the session belongs to another user" : strerror(errno), NULL);
}

/* ------------------------------------------------------------ dispatch */

static void dispatch(struct nc_rpc *r, xmlNodePtr op, struct reply *rp)
{
	const char *n = (const char *)op->name;
	if (!strcmp(n, "get-config"))
		op_get_config(r, op, rp, false);
	else if (!strcmp(n, "get"))
		op_get_config(r, op, rp, true);
	else if (!strcmp(n, "edit-config"))
		op_edit_config(r, op, rp);
	else if (!strcmp(n, "copy-config"))
		op_copy_config(r, op, rp);
	else if (!strcmp(n, "delete-config"))
		datastore_err(&rp->errs, "delete-config: the running configuration cannot be deleted");
	else if (!strcmp(n, "discard-changes")) {
		struct cfg_buf o = {0};
		if (enter_config(r, M_SHARED, &rp->errs) == 0 && run(r, "rollback 0", NULL, 0, &o) != 0)
			errors_from_cli(&rp->errs, o.p, "operation-failed");
		cfg_buf_free(&o);
	} else if (!strcmp(n, "lock"))
		op_lock(r, op, rp, true);
	else if (!strcmp(n, "unlock"))
		op_lock(r, op, rp, false);
	else if (!strcmp(n, "validate")) {
		struct commit_opts o = {.check = true};
		do_commit(r, &o, &rp->errs);
	} else if (!strcmp(n, "commit"))
		op_commit(r, op, rp, false);
	else if (!strcmp(n, "cancel-commit"))
		op_cancel_commit(r, rp);
	else if (!strcmp(n, "close-session")) {
		leave_config(r);
		rp->end = true;
	} else if (!strcmp(n, "kill-session"))
		op_kill_session(r, op, rp);
	else if (!strcmp(n, "create-subscription"))
		op_subscribe(r, op, rp);
	else if (!strcmp(n, "get-schema"))
		op_get_schema(r, op, rp);
	else if (!strcmp(n, "get-configuration"))
		op_get_configuration(r, op, rp);
	else if (!strcmp(n, "load-configuration"))
		op_load_configuration(r, op, rp);
	else if (!strcmp(n, "commit-configuration"))
		op_commit(r, op, rp, true);
	else if (!strcmp(n, "lock-configuration")) {
		if (r->mode != M_EXCL)
			enter_config(r, M_EXCL, &rp->errs);
	} else if (!strcmp(n, "unlock-configuration")) {
		if (r->mode == M_EXCL)
			leave_config(r);
	} else if (!strcmp(n, "open-configuration")) {
		if (child(op, "private"))
			enter_config(r, M_PRIV, &rp->errs);
		else
			enter_config(r, M_SHARED, &rp->errs);
	} else if (!strcmp(n, "close-configuration"))
		leave_config(r);
	else if (!strcmp(n, "command"))
		op_command(r, op, rp);
	else if (!op_reply_rpc(r, op, rp)) {
		char info[160];
		snprintf(info, sizeof info, "<bad-element>%.100s</bad-element>", n);
		put_error(&rp->errs, "protocol", "operation-not-supported", NULL, "syntax error: unknown RPC",
		          info);
	}
}

/* The attributes of <rpc> (message-id and any other) copied onto the reply. */
static void copy_attrs(struct cfg_buf *b, xmlNodePtr rpc)
{
	for (xmlAttrPtr a = rpc ? rpc->properties : NULL; a; a = a->next) {
		xmlChar *v = xmlNodeListGetString(rpc->doc, a->children, 1);
		cfg_buf_putc(b, ' ');
		if (a->ns && a->ns->prefix)
			cfg_buf_printf(b, "%s:", (const char *)a->ns->prefix);
		cfg_buf_printf(b, "%s=\"", (const char *)a->name);
		if (v) {
			const char *s = (const char *)v;
			for (; *s; s++) {
				if (*s == '"')
					cfg_buf_puts(b, "&quot;");
				else if (*s == '<')
					cfg_buf_puts(b, "&lt;");
				else if (*s == '&')
					cfg_buf_puts(b, "&amp;");
				else
					cfg_buf_putc(b, *s);
			}
		}
		cfg_buf_putc(b, '"');
		xmlFree(v);
	}
}

static void reply_open(struct cfg_buf *out, xmlNodePtr rpc)
{
	cfg_buf_puts(out, "<rpc-reply xmlns=\"" NC_NS_BASE "\" xmlns:junos=\"" CFG_REPLY_JUNOS_NS "\"");
	copy_attrs(out, rpc);
	cfg_buf_puts(out, ">\n");
}

int nc_rpc_handle(struct nc_rpc *r, const char *msg, size_t len, struct cfg_buf *out)
{
	cfg_buf_add(out, "", 0);
	if (len > INT32_MAX)
		len = INT32_MAX;
	xmlDocPtr doc = xmlReadMemory(msg, (int)len, "rpc.xml", NULL,
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	                                  XML_PARSE_NOBLANKS | XML_PARSE_HUGE);
	xmlNodePtr rpc = doc ? xmlDocGetRootElement(doc) : NULL;
	struct reply rp = {0};
	if (!rpc) {
		reply_open(out, NULL);
		put_error(out, "rpc", "malformed-message", NULL, "malformed XML", NULL);
		cfg_buf_puts(out, "</rpc-reply>\n");
		xmlFreeDoc(doc);
		return 0;
	}
	if (!named(rpc, "rpc")) {
		reply_open(out, NULL);
		put_error(out, "rpc", "unknown-element", NULL, "expected <rpc>",
		          "<bad-element>rpc</bad-element>");
		cfg_buf_puts(out, "</rpc-reply>\n");
		xmlFreeDoc(doc);
		return 0;
	}
	xmlNodePtr op = first_elem(rpc);
	reply_open(out, rpc);
	size_t head = out->len;
	rp.body = out;
	if (!op)
		put_error(&rp.errs, "rpc", "missing-element", NULL, "<rpc> holds no operation", NULL);
	else
		dispatch(r, op, &rp);
	if (rp.errs.len) {
		truncate_to(out, head); /* errors only, no partial data */
		cfg_buf_add(out, rp.errs.p, rp.errs.len);
	} else if (out->len == head) {
		cfg_buf_puts(out, "<ok/>\n");
	}
	cfg_buf_puts(out, "</rpc-reply>\n");
	cfg_buf_free(&rp.errs);
	xmlFreeDoc(doc);
	if (r->d && nc_dmn_over(r->d))
		return 1;
	return rp.end ? 1 : 0;
}

/* ------------------------------------------------------------ hello */

void nc_rpc_hello(struct nc_rpc *r, struct cfg_buf *out)
{
	cfg_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                  "<hello xmlns=\"" NC_NS_BASE "\">\n<capabilities>\n");
	static const char *const caps[] = {
		"urn:ietf:params:netconf:base:1.0",
		"urn:ietf:params:netconf:base:1.1",
		"urn:ietf:params:netconf:capability:candidate:1.0",
		"urn:ietf:params:netconf:capability:confirmed-commit:1.0",
		"urn:ietf:params:netconf:capability:confirmed-commit:1.1",
		"urn:ietf:params:netconf:capability:validate:1.0",
		"urn:ietf:params:netconf:capability:validate:1.1",
		"urn:ietf:params:netconf:capability:notification:1.0",
		"urn:ietf:params:netconf:capability:interleave:1.0",
		"urn:ietf:params:xml:ns:netconf:base:1.0",
		"urn:ietf:params:xml:ns:netconf:capability:candidate:1.0",
		"urn:ietf:params:xml:ns:netconf:capability:confirmed-commit:1.0",
		"urn:ietf:params:xml:ns:netconf:capability:validate:1.0",
		"urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring",
		"http://xml.juniper.net/netconf/junos/1.0",
		"http://xml.juniper.net/dmi/system/1.0",
	};
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
		cfg_buf_printf(out, "<capability>%s</capability>\n", caps[i]);
	nc_yang_capabilities(out);
	cfg_buf_printf(out, "</capabilities>\n<session-id>%u</session-id>\n</hello>\n", r->sid);
}

int nc_rpc_client_hello(struct nc_rpc *r, const char *msg, size_t len, bool *base11)
{
	(void)r;
	*base11 = false;
	xmlDocPtr doc = xmlReadMemory(msg, (int)(len > INT32_MAX ? INT32_MAX : len), "hello.xml", NULL,
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNodePtr h = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!named(h, "hello") || !child(h, "capabilities") || child(h, "session-id")) {
		xmlFreeDoc(doc);
		return -1;
	}
	bool base10 = false;
	for (xmlNodePtr c = child(h, "capabilities")->children; c; c = c->next) {
		if (!named(c, "capability"))
			continue;
		char *t = text(c);
		if (!strcmp(t, "urn:ietf:params:netconf:base:1.1"))
			*base11 = true;
		if (!strcmp(t, "urn:ietf:params:netconf:base:1.0") ||
		    !strcmp(t, "urn:ietf:params:xml:ns:netconf:base:1.0"))
			base10 = true;
		free(t);
	}
	xmlFreeDoc(doc);
	return *base11 || base10 ? 0 : -1;
}

/* ------------------------------------------------------------ events */

static char *el_text(xmlNodePtr n, const char *name) { return text(child(n, name)); }

bool nc_rpc_notification(struct nc_rpc *r, struct cfg_buf *out)
{
	if (!r->d)
		return false;
	char *x;
	while ((x = nc_dmn_next_event(r->d))) {
		xmlDocPtr doc = xmlReadMemory(x, (int)strlen(x), "event.xml", NULL,
		                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		free(x);
		xmlNodePtr e = doc ? xmlDocGetRootElement(doc) : NULL;
		if (!r->subscribed || !named(e, "commit-event")) {
			xmlFreeDoc(doc);
			continue;
		}
		char *user = el_text(e, "user"), *client = el_text(e, "client");
		char *seq = el_text(e, "sequence-number"), *comment = el_text(e, "comment");
		char when[64];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		cfg_buf_printf(out, "<notification xmlns=\"%s\">\n<eventTime>%s</eventTime>\n"
		                    "<netconf-config-change xmlns=\"%s\">\n<changed-by>\n<username>",
		               NC_NS_NOTIF, when, NC_NS_NOTIFS);
		xml_puts(out, user);
		cfg_buf_puts(out, "</username>\n<session-id>0</session-id>\n<source-host>");
		xml_puts(out, client);
		cfg_buf_puts(out, "</source-host>\n</changed-by>\n<datastore>running</datastore>\n"
		                  "<edit>\n<target>/configuration</target>\n<operation>replace</operation>\n"
		                  "</edit>\n</netconf-config-change>\n<commit-event xmlns=\"\">\n<sequence-number>");
		xml_puts(out, seq);
		cfg_buf_puts(out, "</sequence-number>\n<user>");
		xml_puts(out, user);
		cfg_buf_puts(out, "</user>\n<comment>");
		xml_puts(out, comment);
		cfg_buf_puts(out, "</comment>\n</commit-event>\n</notification>\n");
		free(user);
		free(client);
		free(seq);
		free(comment);
		xmlFreeDoc(doc);
		return true;
	}
	return false;
}

/* ------------------------------------------------------------ life */

struct nc_rpc *nc_rpc_new(struct nc_dmn *d, const char *target, unsigned sid)
{
	struct nc_rpc *r = calloc(1, sizeof *r);
	if (!r)
		abort();
	r->d = d;
	r->sid = sid;
	bool jcp = target && !strcmp(target, "jcp");
	r->target = jcp ? "jcp" : "jdm";
	return r;
}

/* The schemas, loaded when an RPC first needs them (a session that only
 * reads pays nothing for them). */
static const struct cfg_schema *config_schema(struct nc_rpc *r)
{
	if (!r->schema) {
		bool jcp = !strcmp(r->target, "jcp");
		r->schema = jcp ? cfg_schema_load_mem(cfg_schema_jcp, cfg_schema_jcp_len, "jcp")
		                : cfg_schema_load_mem(cfg_schema_jdm, cfg_schema_jdm_len, "jdm");
		if (!r->schema)
			abort();
	}
	return r->schema;
}

static const struct cfg_schema *ops_schema(struct nc_rpc *r)
{
	if (!r->ops) {
		bool jcp = !strcmp(r->target, "jcp");
		r->ops = jcp ? cfg_schema_load_mem(cfg_schema_ops_jcp, cfg_schema_ops_jcp_len, "ops")
		             : cfg_schema_load_mem(cfg_schema_ops_jdm, cfg_schema_ops_jdm_len, "ops");
		if (!r->ops)
			abort();
	}
	return r->ops;
}

struct nc_dmn *nc_rpc_dmn(struct nc_rpc *r) { return r->d; }

void nc_rpc_free(struct nc_rpc *r)
{
	if (!r)
		return;
	nc_dmn_close(r->d);
	cfg_schema_free(r->schema);
	cfg_schema_free(r->ops);
	free(r);
}
