/* Unit tests of cfg_reply: XML and JSON rendering, escaping, the reply
 * vocabulary of cli/schema/ops-*.xml, and every operational handler of
 * jdmd (hypervisor none) and jcpd checked against it: a handler emits only
 * declared elements, its `| display xml` is well-formed and its `| display
 * json` parses. Also the 'Q' query frame and its refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "cfg_daemon.h"
#include "cfg_err.h"
#include "cfg_notify.h"
#include "cfg_proto.h"
#include "cfg_reply.h"
#include "cfg_schema.h"
#include "cfg_schema_data.h"
#include "cfg_session.h"
#include "jcp_ops.h"
#include "jcp_pfe.h"
#include "nfx_platform.h"
#include "jdm_hostif.h"
#include "jdm_hostos.h"
#include "jdm_l2ext.h"
#include "jdm_vnf.h"
#include "jdm_ztp.h"

/* ------------------------------------------------------------ rendering */

static void test_xml_escaping(void **state)
{
	(void)state;
	struct cfg_reply *r = cfg_reply_new("commit-information");
	struct cfg_rel *h = cfg_rel_add(cfg_reply_root(r), "commit-history");
	cfg_rel_leaf(h, "comment", "a <b> & \"c\"");
	cfg_rel_leaf(h, "user", "ctl\x01x\xff\xc3\xa9");
	cfg_rel_leaf(h, "client", NULL); /* absent */
	cfg_rel_flag(h, "flag");
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_reply_xml(&b, r);
	assert_string_equal(b.p, "<commit-information>\n"
	                         "    <commit-history>\n"
	                         "        <comment>a &lt;b&gt; &amp; &quot;c&quot;</comment>\n"
	                         "        <user>ctl?x?\xc3\xa9</user>\n"
	                         "        <flag/>\n"
	                         "    </commit-history>\n"
	                         "</commit-information>\n");
	xmlDoc *doc = xmlReadMemory(b.p, (int)b.len, "t", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlFreeDoc(doc);
	/* round trip */
	struct cfg_reply *back = cfg_reply_parse_xml(b.p, b.len);
	assert_non_null(back);
	const struct cfg_rel *bh = cfg_rel_child(cfg_reply_root(back), "commit-history");
	assert_string_equal(cfg_rel_value(bh, "comment"), "a <b> & \"c\"");
	assert_null(cfg_rel_value(bh, "client"));
	assert_non_null(cfg_rel_child(bh, "flag"));
	cfg_reply_free(back);
	/* the text keeps the bytes as they were */
	assert_string_equal(cfg_rel_value(h, "user"), "ctl\x01x\xff\xc3\xa9");
	cfg_buf_free(&b);
	cfg_reply_free(r);
}

static void test_json(void **state)
{
	(void)state;
	struct cfg_reply *r = cfg_reply_new("vlan-information");
	for (int i = 0; i < 2; i++) {
		struct cfg_rel *v = cfg_rel_add(cfg_reply_root(r), "vlan");
		cfg_rel_leaff(v, "vlan-name", "v%d \"q\"\n\x02\xfe", i);
		cfg_rel_leaff(v, "vlan-tag", "%d", 100 + i);
	}
	cfg_rel_flag(cfg_reply_root(r), "empty");
	struct cfg_buf b;
	cfg_buf_init(&b);
	assert_int_equal(cfg_reply_json(&b, r), 0);
	json_error_t err;
	json_t *j = json_loads(b.p, 0, &err);
	if (!j)
		fail_msg("JSON does not parse: %s\n%s", err.text, b.p);
	json_t *top = json_array_get(json_object_get(j, "vlan-information"), 0);
	json_t *vl = json_object_get(top, "vlan");
	assert_int_equal(json_array_size(vl), 2);
	json_t *name = json_object_get(json_array_get(json_object_get(json_array_get(vl, 1), "vlan-name"), 0), "data");
	assert_string_equal(json_string_value(name), "v1 \"q\"\n\x02?");
	assert_true(json_is_null(json_array_get(json_object_get(top, "empty"), 0)));
	json_decref(j);
	cfg_buf_free(&b);
	cfg_reply_free(r);
}

static void test_emit(void **state)
{
	(void)state;
	struct cfg_pipe_display d = {0};
	struct cfg_buf b;
	cfg_buf_init(&b);
	d.xml = true;
	struct cfg_reply *r = cfg_reply_new("software-information");
	cfg_rel_leaf(cfg_reply_root(r), "nfx-version", "1");
	d.bare = true; /* the 'Q' frame's answer: the reply alone */
	assert_int_equal(cfg_reply_emit(r, &d, &b, NULL, NULL), 0);
	assert_string_equal(b.p, "<software-information>\n    <nfx-version>1</nfx-version>\n</software-information>\n");
	/* the CLI's `| display xml`: wrapped as Junos's CLI prints it */
	cfg_buf_reset(&b);
	d.bare = false;
	d.banner = "{master:0}";
	r = cfg_reply_new("software-information");
	cfg_rel_leaf(cfg_reply_root(r), "nfx-version", "1");
	assert_int_equal(cfg_reply_emit(r, &d, &b, NULL, NULL), 0);
	assert_string_equal(b.p, "<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/" NFX_VERSION "/junos\">\n"
	                         "    <software-information>\n"
	                         "        <nfx-version>1</nfx-version>\n"
	                         "    </software-information>\n"
	                         "    <cli>\n"
	                         "        <banner>{master:0}</banner>\n"
	                         "    </cli>\n"
	                         "</rpc-reply>\n");
	cfg_buf_free(&b);
}

/* The reply inside `| display xml`'s <rpc-reply> wrapper, as a 'Q' frame
 * answers it: the lines between the first and the <cli> trailer, 4 spaces
 * less indented. NULL when X is not so wrapped. Caller frees. */
static char *unwrap_rpc(const char *x)
{
	static const char head[] = "<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/" NFX_VERSION "/junos\">\n";
	if (strncmp(x, head, strlen(head)))
		return NULL;
	const char *tail = strstr(x, "    <cli>\n        <banner>");
	if (!tail || !strstr(tail, "</banner>\n    </cli>\n</rpc-reply>\n"))
		return NULL;
	struct cfg_buf b;
	cfg_buf_init(&b);
	cfg_buf_add(&b, "", 0);
	for (const char *p = x + strlen(head); p < tail;) {
		const char *nl = strchr(p, '\n');
		if (strncmp(p, "    ", 4))
			break;
		cfg_buf_add(&b, p + 4, (size_t)(nl - p - 3));
		p = nl + 1;
	}
	return cfg_buf_steal(&b);
}

/* ----------------------------------------------------------- vocabulary */

static const char VOCAB[] =
	"<schema name=\"t\">\n"
	"  <container name=\"show\"/>\n"
	"  <reply name=\"r\">\n"
	"    <element name=\"a\"><element name=\"b\"/></element>\n"
	"    <element name=\"c\"/>\n"
	"  </reply>\n"
	"</schema>\n";

static void test_check(void **state)
{
	(void)state;
	struct cfg_reply_vocab *v = cfg_reply_vocab_load(VOCAB, sizeof VOCAB - 1, "t.xml");
	assert_non_null(v);
	assert_true(cfg_reply_vocab_has(v, "r"));
	assert_false(cfg_reply_vocab_has(v, "a"));
	/* the configuration schema loader skips <reply> */
	struct cfg_schema *s = cfg_schema_load_mem(VOCAB, sizeof VOCAB - 1, "t.xml");
	assert_non_null(s);
	assert_int_equal(s->n_children, 1);
	cfg_schema_free(s);

	struct cfg_reply *r = cfg_reply_new("r");
	cfg_rel_leaf(cfg_rel_add(cfg_reply_root(r), "a"), "b", "1");
	cfg_rel_leaf(cfg_reply_root(r), "c", "2");
	assert_int_equal(cfg_reply_check(v, r), 0);
	cfg_rel_leaf(cfg_rel_add(cfg_reply_root(r), "a"), "c", "x");
	assert_int_equal(cfg_reply_check(v, r), -1);
	assert_non_null(strstr(cfg_err_msg(), "r/a/c"));
	cfg_reply_free(r);

	r = cfg_reply_new("r");
	cfg_rel_leaf(cfg_reply_root(r), "a", "text in a container");
	assert_int_equal(cfg_reply_check(v, r), -1);
	cfg_reply_free(r);
	r = cfg_reply_new("nope");
	assert_int_equal(cfg_reply_check(v, r), -1);
	cfg_reply_free(r);
	cfg_reply_vocab_free(v);
}

/* Every command with a reply names a declared one (or the configuration). */
static void each_reply_cmd(const struct cfg_schema *s, const struct cfg_reply_vocab *v, size_t *n)
{
	if (s->reply && strcmp(s->reply, "configuration")) {
		if (!cfg_reply_vocab_has(v, s->reply))
			fail_msg("command %s: reply %s is not declared", s->name, s->reply);
		(*n)++;
	}
	for (size_t i = 0; i < s->n_children; i++)
		each_reply_cmd(s->children[i], v, n);
}

static void test_vocab_complete(void **state)
{
	(void)state;
	static const struct { const char *xml; size_t len; const char *name; size_t min; } f[] = {
		{cfg_schema_ops_jdm, 0, "ops-jdm.xml", 12},
		{cfg_schema_ops_jcp, 0, "ops-jcp.xml", 6},
	};
	size_t lens[] = {cfg_schema_ops_jdm_len, cfg_schema_ops_jcp_len};
	for (size_t i = 0; i < 2; i++) {
		struct cfg_schema *s = cfg_schema_load_mem(f[i].xml, lens[i], f[i].name);
		assert_non_null(s);
		struct cfg_reply_vocab *v = cfg_reply_vocab_load(f[i].xml, lens[i], f[i].name);
		assert_non_null(v);
		size_t n = 0;
		each_reply_cmd(s, v, &n);
		assert_true(n >= f[i].min);
		assert_true(cfg_reply_vocab_has(v, CFG_EVENT_COMMIT));
		if (i == 0)
			assert_true(cfg_reply_vocab_has(v, CFG_EVENT_VNF));
		cfg_reply_vocab_free(v);
		cfg_schema_free(s);
	}
}

/* ------------------------------------------------------------- handlers */

struct fx {
	char dir[64];
	struct cfg_daemon *d;
	struct jdm_vnf *vnf;
	struct jdm_ztp *ztp;
	struct jdm_hostif *hostif;
	struct jdm_l2ext *l2ext;
	struct cfg_session *s;
	struct cfg_reply_vocab *v;
	struct cfg_schema *ops;
};

/* The frames queued by S; the payload of the first frame of TYPE (copied,
 * caller frees) or NULL, and the status of the 'D' in *ST. Clears the queue. */
static char *take(struct cfg_session *s, char type, char *st)
{
	struct cfg_buf *q = cfg_session_txq(s);
	char *got = NULL;
	*st = 0;
	size_t i = 0;
	while (i + 5 <= q->len) {
		char t = q->p[i];
		size_t n = ((size_t)(unsigned char)q->p[i + 1] << 24) | ((size_t)(unsigned char)q->p[i + 2] << 16) |
		           ((size_t)(unsigned char)q->p[i + 3] << 8) | (size_t)(unsigned char)q->p[i + 4];
		if (t == type && !got)
			got = strndup(q->p + i + 5, n);
		if (t == CFG_P_DONE && n)
			*st = q->p[i + 5];
		i += 5 + n;
	}
	cfg_buf_reset(q);
	return got;
}

static char *run(struct fx *f, char type, const char *line, char *st)
{
	assert_int_equal(cfg_session_frame(f->s, type, line, strlen(line)), 0);
	return take(f->s, type == CFG_P_QUERY ? CFG_P_XML : CFG_P_OUT, st);
}

static void fx_up(struct fx *f, bool jdm)
{
	snprintf(f->dir, sizeof f->dir, "/tmp/test_cfg_reply.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	struct cfg_daemon_opts o = {
		.name = jdm ? "jdm" : "jcp", .state_dir = f->dir, .default_host = jdm ? "jdm" : NULL,
		.schema_xml = jdm ? cfg_schema_jdm : cfg_schema_jcp,
		.schema_len = jdm ? cfg_schema_jdm_len : cfg_schema_jcp_len,
		.ops_xml = jdm ? cfg_schema_ops_jdm : cfg_schema_ops_jcp,
		.ops_len = jdm ? cfg_schema_ops_jdm_len : cfg_schema_ops_jcp_len,
		.cfgmode_xml = cfg_schema_cfgmode, .cfgmode_len = cfg_schema_cfgmode_len,
	};
	f->d = cfg_daemon_new(&o);
	if (!f->d)
		fail_msg("cfg_daemon_new: %s", cfg_err_msg());
	if (jdm) {
		struct jdm_vnf_opts vo = {.uri = "none", .image_dir = f->dir};
		f->vnf = jdm_vnf_new(f->d, &vo);
		assert_non_null(f->vnf);
		assert_int_equal(jdm_hostos_register(f->d), 0);
		struct jdm_ztp_opts zo = {.mode = "off", .image_dir = f->dir};
		f->ztp = jdm_ztp_new(f->d, &zo); /* show system ztp */
		/* show host-os interfaces, show host-os l2-extension (configuration only) */
		struct jdm_hostif_opts ho = {.state_dir = f->dir, .config_only = true};
		f->hostif = jdm_hostif_new(f->d, &ho);
		assert_int_equal(jdm_hostif_register(f->d, f->hostif), 0);
		struct jdm_l2ext_opts lo = {.state_dir = f->dir, .config_only = true};
		f->l2ext = jdm_l2ext_new(f->d, &lo);
		assert_int_equal(jdm_l2ext_register(f->d, f->l2ext), 0);
	} else {
		assert_int_equal(jcp_ops_register(f->d), 0);
	}
	f->v = cfg_reply_vocab_load(o.ops_xml, o.ops_len, "ops.xml");
	f->ops = cfg_schema_load_mem(o.ops_xml, o.ops_len, "ops.xml");
	assert_non_null(f->v);
	assert_non_null(f->ops);
	f->s = cfg_session_new(f->d, -1, 0, 4242);
	assert_non_null(f->s);
	char st;
	assert_int_equal(cfg_session_frame(f->s, CFG_P_HELLO, "tty=0\n", 6), 0);
	free(take(f->s, CFG_P_OUT, &st));
	assert_int_equal(st, '0');
}

static void fx_down(struct fx *f)
{
	cfg_session_free(f->s);
	jdm_ztp_free(f->ztp);
	jdm_l2ext_free(f->l2ext);
	jdm_hostif_free(f->hostif);
	jdm_vnf_free(f->vnf);
	cfg_daemon_free(f->d);
	cfg_reply_vocab_free(f->v);
	cfg_schema_free(f->ops);
	static const char *const files[] = {"jdm.db", "jdm.db-wal", "jdm.db-shm", "jcp.db", "jcp.db-wal",
	                                    "jcp.db-shm"};
	char p[128];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(p, sizeof p, "%s/%s", f->dir, files[i]);
		unlink(p);
	}
	rmdir(f->dir);
}

static void commit_lines(struct fx *f, const char *const *lines)
{
	char st;
	free(run(f, CFG_P_LINE, "configure", &st));
	for (size_t i = 0; lines[i]; i++) {
		free(run(f, CFG_P_LINE, lines[i], &st));
		assert_int_equal(st, '0');
	}
	char *o = run(f, CFG_P_LINE, "commit", &st);
	if (st != '0')
		fail_msg("commit failed: %s", o ? o : "");
	free(o);
	free(run(f, CFG_P_LINE, "exit", &st));
}

/* XML text without the text between tags (in place). */
static void strip_values(char *x)
{
	char *w = x;
	bool in_text = false;
	for (char *r = x; *r; r++) {
		if (*r == '<')
			in_text = false;
		if (!in_text)
			*w++ = *r;
		if (*r == '>')
			in_text = true;
	}
	*w = '\0';
}

/* CMD's XML and JSON displays, checked against the vocabulary; the XML of
 * a 'Q' query of CMD has the same elements as its `| display xml`. */
static void check_cmd(struct fx *f, const char *cmd)
{
	char line[512], st;
	snprintf(line, sizeof line, "%s | display xml", cmd);
	char *wx = run(f, CFG_P_LINE, line, &st);
	if (st != '0' || !wx)
		fail_msg("%s: failed: %s", line, wx ? wx : "(no output)");
	char *x = unwrap_rpc(wx);
	if (!x)
		fail_msg("%s: not wrapped in <rpc-reply>:\n%s", line, wx);
	free(wx);
	struct cfg_reply *r = cfg_reply_parse_xml(x, strlen(x));
	if (!r)
		fail_msg("%s: not XML: %s\n%s", line, cfg_err_msg(), x);
	if (cfg_reply_check(f->v, r) < 0)
		fail_msg("%s: %s\n%s", line, cfg_err_msg(), x);
	cfg_reply_free(r);

	char *q = run(f, CFG_P_QUERY, cmd, &st);
	assert_int_equal(st, '0');
	assert_non_null(q);
	/* the same elements; their values may move on between the two calls
	   (times, the host's free memory, CPU load) */
	strip_values(q);
	strip_values(x);
	assert_string_equal(q, x);
	free(q);
	free(x);

	snprintf(line, sizeof line, "%s | display json", cmd);
	char *j = run(f, CFG_P_LINE, line, &st);
	assert_int_equal(st, '0');
	json_error_t err;
	json_t *jj = j ? json_loads(j, 0, &err) : NULL;
	if (!jj)
		fail_msg("%s: JSON does not parse: %s\n%s", line, j ? err.text : "", j ? j : "");
	json_decref(jj);
	free(j);
}

/* Every command of the operational schema with a reply (other than the
 * configuration), by its keywords; EXTRA adds arguments. */
static void check_all(struct fx *f, const struct cfg_schema *s, char *path, size_t len, size_t *n)
{
	if (s->reply && strcmp(s->reply, "configuration")) {
		check_cmd(f, path);
		(*n)++;
	}
	for (size_t i = 0; i < s->n_children; i++) {
		const struct cfg_schema *c = s->children[i];
		if (c->kind != CFG_CONTAINER)
			continue;
		size_t l = len;
		snprintf(path + l, 512 - l, "%s%s", l ? " " : "", c->name);
		check_all(f, c, path, strlen(path), n);
		path[len] = 0;
	}
}

static void test_jdm_handlers(void **state)
{
	(void)state;
	struct fx f = {0};
	fx_up(&f, true);
	static const char *const cfg[] = {
		"set host-os vlans v100 vlan-id 100",
		"set virtual-network-functions vrtr1 image /x/vrtr1.qcow2",
		"set virtual-network-functions vrtr1 virtual-cpu count 2",
		"set virtual-network-functions vrtr1 virtual-cpu 0 physical-cpu 1",
		"set virtual-network-functions vrtr1 memory size 1048576",
		"set virtual-network-functions vrtr1 memory features hugepages",
		"set virtual-network-functions vsrx image /x/vsrx.qcow2",
		"set virtual-network-functions vsrx no-autostart",
		NULL,
	};
	commit_lines(&f, cfg);
	char path[512] = "";
	size_t n = 0;
	check_all(&f, f.ops, path, 0, &n);
	assert_true(n >= 12);
	check_cmd(&f, "show virtual-network-functions vrtr1");
	check_cmd(&f, "show virtual-network-functions vrtr1 detail");
	check_cmd(&f, "show cli history 2");

	/* the 'Q' frame refuses what has no reply, before it acts, and pipes */
	char st;
	static const char *const refused[] = {
		"request virtual-network-functions vrtr1 stop", "configure", "ssh vrtr1",
		"show virtual-network-functions | match x", "show virtual-network-functions nope",
	};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		char *q = run(&f, CFG_P_QUERY, refused[i], &st);
		assert_null(q);
		assert_int_equal(st, '1');
	}
	/* displays the output cannot honour fail */
	static const char *const bad[] = {"show system commit | display set",
	                                  "show virtual-network-functions | compare",
	                                  "request virtual-network-functions vrtr1 start | display json"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *o = run(&f, CFG_P_LINE, bad[i], &st);
		assert_int_equal(st, '1');
		assert_non_null(o);
		assert_non_null(strstr(o, "is not supported by this command"));
		free(o);
	}
	/* the configuration keeps its displays */
	char *o = run(&f, CFG_P_LINE, "show configuration host-os | display xml", &st);
	assert_int_equal(st, '0');
	/* as Junos: in <rpc-reply>, the commit's attributes on <configuration> */
	assert_non_null(strstr(o, "<rpc-reply xmlns:junos="));
	assert_non_null(strstr(o, "    <configuration junos:commit-seconds=\""));
	assert_non_null(strstr(o, "\" junos:commit-user=\""));
	assert_non_null(strstr(o, "    </configuration>\n    <cli>\n        <banner>{master:0}</banner>\n"));
	free(o);
	fx_down(&f);
}

static void test_jcp_handlers(void **state)
{
	(void)state;
	struct fx f = {0};
	fx_up(&f, false);
	static const char *const cfg[] = {
		"set vlans v1100 vlan-id 1100",
		"set interfaces ge-0/0/0 unit 0 family ethernet-switching vlan members v1100",
		"set interfaces sxe-0/0/0.0 family ethernet-switching interface-mode trunk",
		"set interfaces sxe-0/0/0.0 family ethernet-switching vlan members v1100",
		NULL,
	};
	commit_lines(&f, cfg);
	char path[512] = "";
	size_t n = 0;
	check_all(&f, f.ops, path, 0, &n);
	assert_true(n >= 6);
	check_cmd(&f, "show interfaces terse");
	check_cmd(&f, "show interfaces sxe-0/0/0");
	assert_int_equal(jcp_ops_port_count(), 16);
	assert_string_equal(jcp_ops_port(15), "sxe-0/0/1");
	assert_null(jcp_ops_port(16));
	assert_true(jcp_ops_port_exists("xe-0/0/13"));
	assert_false(jcp_ops_port_exists("ge-0/0/12"));
	assert_false(jcp_ops_port_exists("ge-0/0/01"));
	assert_string_equal(jcp_ops_port_ranges(), "ge-0/0/0..11, xe-0/0/12..13, sxe-0/0/0..1");
	fx_down(&f);
}

/* The JCP handlers with the PFE switch's live state: ge-0/0/0 is `lo` here
 * (a platform file of the test), so link state, addresses and counters
 * are in the replies; no OVS (the ovs directory does not exist). */
static void test_jcp_handlers_live(void **state)
{
	(void)state;
	struct fx f = {0};
	fx_up(&f, false);
	static const char plat_text[] = "ge-0/0/0 lo\nsxe-0/0/0 sxe0 peer hsxe0\n";
	struct nfx_platform *plat = nfx_platform_parse(plat_text, strlen(plat_text), "test");
	assert_non_null(plat);
	char ovs[600];
	snprintf(ovs, sizeof ovs, "%s/no-ovs", f.dir);
	struct jcp_pfe_opts po = {.ovs_dir = ovs, .platform = plat, .wait_ms = 1000};
	struct jcp_pfe *pfe = jcp_pfe_new(cfg_daemon_loop(f.d), &po);
	assert_non_null(pfe);
	assert_int_equal(jcp_ops_set_pfe(f.d, pfe), 0);
	static const char *const cfg[] = {
		"set vlans v1100 vlan-id 1100",
		"set interfaces ge-0/0/0 description loopback",
		"set interfaces ge-0/0/0 unit 0 family ethernet-switching vlan members v1100",
		NULL,
	};
	commit_lines(&f, cfg);
	check_cmd(&f, "show interfaces");
	check_cmd(&f, "show interfaces ge-0/0/0");
	check_cmd(&f, "show interfaces terse");
	check_cmd(&f, "show vlans");
	check_cmd(&f, "show ethernet-switching table");
	char st;
	char *t = run(&f, CFG_P_LINE, "show interfaces ge-0/0/0", &st);
	assert_non_null(t);
	assert_non_null(strstr(t, "Physical interface: ge-0/0/0, Enabled, Physical link is Up"));
	assert_non_null(strstr(t, "Description: loopback"));
	assert_non_null(strstr(t, "Input packets : "));
	free(t);
	jcp_pfe_free(pfe); /* before the daemon: its monitor is on the daemon's loop */
	fx_down(&f);
	nfx_platform_free(plat);
}

/* The <commit-event> a commit publishes is declared. */
static void test_commit_event(void **state)
{
	(void)state;
	struct cfg_reply *r = cfg_notify_commit_event(7, "root", "cli", "x & y", 0);
	struct cfg_reply_vocab *v = cfg_reply_vocab_load(cfg_schema_ops_jcp, cfg_schema_ops_jcp_len, "ops-jcp.xml");
	assert_int_equal(cfg_reply_check(v, r), 0);
	assert_string_equal(cfg_rel_value(cfg_reply_root(r), "sequence-number"), "7");
	assert_string_equal(cfg_rel_value(cfg_reply_root(r), "date-time"), "1970-01-01 00:00:00 UTC");
	cfg_reply_vocab_free(v);
	/* no daemon: freed, nothing sent */
	cfg_notify_publish(NULL, r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_escaping),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_emit),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_vocab_complete),
		cmocka_unit_test(test_jdm_handlers),
		cmocka_unit_test(test_jcp_handlers),
		cmocka_unit_test(test_jcp_handlers_live),
		cmocka_unit_test(test_commit_event),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
