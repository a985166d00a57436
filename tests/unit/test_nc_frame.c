/* Unit tests of nc_frame (RFC 6242 framing) and cfg_xml (configuration
 * XML into the CLI's set lines, errors with [edit ...] paths). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "cfg_schema.h"
#include "cfg_schema_data.h"
#include "cfg_xml.h"
#include "nc_frame.h"
#include "nc_rpc.h"
#include "nc_yang.h"

static char *next(struct nc_frame_rx *rx, int want)
{
	char *m = NULL;
	size_t l = 0;
	assert_int_equal(nc_frame_next(rx, &m, &l), want);
	if (want == 1)
		assert_int_equal(strlen(m), l);
	return m;
}

static void eom(void **state)
{
	(void)state;
	struct nc_frame_rx rx = {0};
	const char *in = "<a/>]]>]]><b/>]]>]]><c";
	/* byte by byte: the marker may be split anywhere */
	for (const char *p = in; *p; p++)
		assert_int_equal(nc_frame_feed(&rx, p, 1), 0);
	char *m = next(&rx, 1);
	assert_string_equal(m, "<a/>");
	free(m);
	m = next(&rx, 1);
	assert_string_equal(m, "<b/>");
	free(m);
	next(&rx, 0);
	nc_frame_rx_free(&rx);
}

static void chunked(void **state)
{
	(void)state;
	struct nc_frame_rx rx = {0};
	nc_frame_set_chunked(&rx);
	const char *in = "\n#4\n<rpc\n#9\n message>\n##\n\n#3\n<x>\n##\n";
	for (const char *p = in; *p; p++)
		assert_int_equal(nc_frame_feed(&rx, p, 1), 0);
	char *m = next(&rx, 1);
	assert_string_equal(m, "<rpc message>");
	free(m);
	m = next(&rx, 1);
	assert_string_equal(m, "<x>");
	free(m);
	next(&rx, 0);
	nc_frame_rx_free(&rx);

	struct cfg_buf b = {0};
	nc_frame_encode(&b, true, "hello", 5);
	assert_string_equal(b.p, "\n#5\nhello\n##\n");
	cfg_buf_reset(&b);
	nc_frame_encode(&b, false, "hello", 5);
	assert_string_equal(b.p, "hello]]>]]>");
	cfg_buf_free(&b);
}

static void broken(void **state)
{
	(void)state;
	static const char *const bad[] = {"\n#0\n", "\n#01\nx", "#4\nabcd", "\n#x\n", "\n##\n",
	                                  "\n#99999999999\n", "\n#4 \nabcd"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct nc_frame_rx rx = {0};
		nc_frame_set_chunked(&rx);
		assert_int_equal(nc_frame_feed(&rx, bad[i], strlen(bad[i])), 0);
		char *m = NULL;
		size_t l;
		assert_int_equal(nc_frame_next(&rx, &m, &l), -1);
		nc_frame_rx_free(&rx);
	}
}

static void too_big(void **state)
{
	(void)state;
	struct nc_frame_rx rx = {.max = 1000};
	char junk[600];
	memset(junk, 'x', sizeof junk);
	assert_int_equal(nc_frame_feed(&rx, junk, sizeof junk), 0);
	char *m;
	size_t l;
	assert_int_equal(nc_frame_next(&rx, &m, &l), 0);
	/* more than max without a marker: refused, before it is all buffered */
	int rc = nc_frame_feed(&rx, junk, sizeof junk);
	if (rc == 0)
		rc = nc_frame_next(&rx, &m, &l);
	assert_int_equal(rc, -1);
	nc_frame_rx_free(&rx);

	struct nc_frame_rx cx = {.max = 1000};
	nc_frame_set_chunked(&cx);
	const char *h = "\n#2000\n";
	assert_int_equal(nc_frame_feed(&cx, h, strlen(h)), 0);
	assert_int_equal(nc_frame_next(&cx, &m, &l), -1);
	nc_frame_rx_free(&cx);
}

static struct cfg_schema *jdm(void)
{
	struct cfg_schema *s = cfg_schema_load_mem(cfg_schema_jdm, cfg_schema_jdm_len, "jdm");
	assert_non_null(s);
	return s;
}

/* XML in, set text out (or the error). */
static char *convert(const struct cfg_schema *s, const char *xml, const char *defop,
                     struct cfg_xml *c, int want)
{
	xmlDocPtr d = xmlReadMemory(xml, (int)strlen(xml), "t.xml", NULL, 0);
	assert_non_null(d);
	int rc = cfg_xml_parse(c, s, xmlDocGetRootElement(d), defop, 0);
	xmlFreeDoc(d);
	if (rc != want)
		fail_msg("cfg_xml_parse: %d (%s %s %s)", rc, c->err_tag ? c->err_tag : "", c->err_path ? c->err_path : "",
		         c->err_msg ? c->err_msg : "");
	struct cfg_buf b = {0};
	cfg_xml_set_text(c, &b);
	cfg_buf_add(&b, "", 0);
	return cfg_buf_steal(&b);
}

static void config_set(void **state)
{
	(void)state;
	struct cfg_schema *s = jdm();
	struct cfg_xml c;
	char *t = convert(s,
	                  "<config><configuration><system><host-name>b1</host-name></system>"
	                  "<host-os><vlans><vlan><name>v100</name><vlan-id>100</vlan-id></vlan>"
	                  "<vlan operation=\"delete\"><name>v9</name></vlan></vlans></host-os>"
	                  "<virtual-network-functions><vnf><name>vr1</name><image><path>/p/x 1.qcow2</path></image></vnf>"
	                  "</virtual-network-functions></configuration></config>",
	                  "merge", &c, 0);
	assert_non_null(strstr(t, "delete host-os vlans v9\n"));
	if (!strstr(t, "set system host-name b1\n"))
		fail_msg("%s", t);
	assert_non_null(strstr(t, "set host-os vlans v100 vlan-id 100\n"));
	assert_null(strstr(t, "set host-os\n"));
	assert_non_null(strstr(t, "set virtual-network-functions vr1 image \"/p/x 1.qcow2\"\n"));
	/* deletes come first */
	assert_true(strstr(t, "delete") < strstr(t, "set"));
	free(t);
	cfg_xml_free(&c);

	/* Junos's attributes: replace and delete */
	t = convert(s,
	            "<configuration><host-os><vlans><vlan replace=\"replace\"><name>v1</name>"
	            "<vlan-id>7</vlan-id></vlan></vlans></host-os><system><host-name delete=\"delete\"/>"
	            "</system></configuration>",
	            "merge", &c, 0);
	assert_non_null(strstr(t, "delete host-os vlans v1\n"));
	assert_non_null(strstr(t, "set host-os vlans v1 vlan-id 7\n"));
	assert_non_null(strstr(t, "delete system host-name\n"));
	free(t);
	cfg_xml_free(&c);
	cfg_schema_free(s);
}

static void config_errors(void **state)
{
	(void)state;
	struct cfg_schema *s = jdm();
	struct cfg_xml c;
	char *t = convert(s,
	                  "<configuration><host-os><vlans><vlan><name>v1</name><vlan-id>5000</vlan-id>"
	                  "</vlan></vlans></host-os></configuration>",
	                  "merge", &c, -1);
	free(t);
	assert_string_equal(c.err_tag, "invalid-value");
	assert_string_equal(c.err_path, "[edit host-os vlans v1 vlan-id]");
	assert_non_null(strstr(c.err_msg, "not within range"));
	cfg_xml_free(&c);

	t = convert(s, "<configuration><system><nope>1</nope></system></configuration>", "merge", &c, -1);
	free(t);
	assert_string_equal(c.err_tag, "unknown-element");
	assert_string_equal(c.err_path, "[edit system]");
	cfg_xml_free(&c);

	t = convert(s, "<configuration><host-os><vlans><vlan><vlan-id>1</vlan-id></vlan></vlans>"
	               "</host-os></configuration>", "merge", &c, -1);
	free(t);
	assert_string_equal(c.err_tag, "missing-element");
	cfg_xml_free(&c);

	t = convert(s, "<configuration><system operation=\"frob\"/></configuration>", "merge", &c, -1);
	free(t);
	assert_string_equal(c.err_tag, "bad-attribute");
	cfg_xml_free(&c);
	cfg_schema_free(s);
}

/* Without a daemon every RPC is still answered: an rpc-reply with the
 * message-id, an rpc-error for what needs the daemon. */
static void rpc_no_daemon(void **state)
{
	(void)state;
	struct nc_rpc *r = nc_rpc_new(NULL, "jdm", 7);
	struct cfg_buf out = {0};
	nc_rpc_hello(r, &out);
	assert_non_null(strstr(out.p, "<session-id>7</session-id>"));
	assert_non_null(strstr(out.p, "module=nfx-jdm&amp;revision="));
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"<rpc message-id=\"5\"><get-config><source><running/></source></get-config></rpc>",
		 "message-id=\"5\""},
		{"<rpc message-id=\"6\"><frobnicate/></rpc>", "operation-not-supported"},
		{"<rpc><edit-config><target><running/></target></edit-config></rpc>", "operation-not-supported"},
		{"<rpc", "malformed-message"},
		{"<notrpc/>", "unknown-element"},
		{"<rpc message-id=\"9\"><get-schema><identifier>nfx-jcp</identifier></get-schema></rpc>",
		 "module nfx-jcp"},
		{"<rpc message-id=\"10\"><edit-config><target><candidate/></target><config>"
		 "<configuration><bogus/></configuration></config></edit-config></rpc>",
		 "<error-path>[edit]</error-path>"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cfg_buf_reset(&out);
		assert_int_equal(nc_rpc_handle(r, cases[i].in, strlen(cases[i].in), &out), 0);
		if (!strstr(out.p, cases[i].want))
			fail_msg("%s: no '%s' in\n%s", cases[i].in, cases[i].want, out.p);
		assert_non_null(strstr(out.p, "<rpc-reply"));
	}
	cfg_buf_reset(&out);
	const char *close = "<rpc message-id=\"11\"><close-session/></rpc>";
	assert_int_equal(nc_rpc_handle(r, close, strlen(close), &out), 1);
	assert_non_null(strstr(out.p, "<ok/>"));
	cfg_buf_free(&out);
	nc_rpc_free(r);
}

static void yang(void **state)
{
	(void)state;
	struct cfg_buf b = {0};
	assert_int_equal(nc_yang_module("nfx-jdm", &b), 0);
	assert_non_null(strstr(b.p, "module nfx-jdm {"));
	assert_non_null(strstr(b.p, "list vlan {"));
	assert_non_null(strstr(b.p, "range \"1..4094\";"));
	assert_int_equal(nc_yang_module("nope", &b), -1);
	cfg_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(eom),
		cmocka_unit_test(chunked),
		cmocka_unit_test(broken),
		cmocka_unit_test(too_big),
		cmocka_unit_test(config_set),
		cmocka_unit_test(config_errors),
		cmocka_unit_test(rpc_no_daemon),
		cmocka_unit_test(yang),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
