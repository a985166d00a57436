/* Unit tests of nfx_vici (lib/): the VICI message codec (exact bytes, round
 * trips with nested sections and lists, malformed and oversize input
 * refused with an error naming what and where) and the client against a
 * fake charon: a thread serving a unix socket in a temp directory, packets
 * built by hand here (not with the code under test), written in small
 * pieces. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cfg_err.h"
#include "nfx_vici.h"

/* ------------------------------------------------------------ codec */

static json_t *roundtrip(const json_t *in)
{
	uint8_t *b;
	size_t n;
	assert_int_equal(nfx_vici_encode(in, &b, &n), 0);
	json_t *out = nfx_vici_decode(b, n);
	free(b);
	if (!out)
		fail_msg("decode: %s", cfg_err_msg());
	return out;
}

static void test_encode_bytes(void **state)
{
	(void)state;
	json_t *o = json_pack("{s:s, s:{s:[ss]}}", "a", "b", "s", "l", "x", "");
	uint8_t *b;
	size_t n;
	assert_int_equal(nfx_vici_encode(o, &b, &n), 0);
	const uint8_t want[] = {3, 1, 'a', 0, 1, 'b',          /* a = b */
	                        1, 1, 's',                     /* s { */
	                        4, 1, 'l', 5, 0, 1, 'x', 5, 0, 0, 6, /* l [x, ""] */
	                        2};
	assert_int_equal(n, sizeof want);
	assert_memory_equal(b, want, n);
	free(b);
	json_decref(o);
	/* NULL or {}: an empty message */
	assert_int_equal(nfx_vici_encode(NULL, &b, &n), 0);
	assert_int_equal(n, 0);
	free(b);
}

static void test_roundtrip_nested(void **state)
{
	(void)state;
	json_t *in = json_loads("{\"version\":\"2\",\"local_addrs\":[\"198.51.100.2\"],"
	                        "\"hq\":{\"local\":{\"auth\":\"psk\",\"id\":\"branch\"},"
	                        "\"children\":{\"net\":{\"local_ts\":[\"192.0.2.0/25\",\"10.0.0.0/8\"],"
	                        "\"deep\":{\"er\":{\"est\":{}}}}},\"empty\":[]},\"z\":\"\"}",
	                        0, NULL);
	assert_non_null(in);
	json_t *out = roundtrip(in);
	assert_true(json_equal(in, out));
	/* key order kept */
	const char *k = json_object_iter_key(json_object_iter(out));
	assert_string_equal(k, "version");
	json_decref(out);
	json_decref(in);
	/* integers and booleans are sent as strongSwan writes them */
	in = json_pack("{s:i, s:b, s:b, s:[i]}", "n", 3600, "t", 1, "f", 0, "l", -5);
	out = roundtrip(in);
	json_t *want = json_pack("{s:s, s:s, s:s, s:[s]}", "n", "3600", "t", "yes", "f", "no", "l", "-5");
	assert_true(json_equal(out, want));
	json_decref(want);
	json_decref(out);
	json_decref(in);
}

static void test_decode_binary(void **state)
{
	(void)state;
	const uint8_t m[] = {3, 1, 'k', 0, 4, 'a', 0, 0xff, 'b', 4, 1, 'l', 5, 0, 1, 0x80, 6};
	json_t *o = nfx_vici_decode(m, sizeof m);
	assert_non_null(o);
	json_t *k = json_object_get(o, "k");
	assert_int_equal(json_string_length(k), 4);
	assert_memory_equal(json_string_value(k), "a\0\xff" "b", 4);
	assert_int_equal(json_string_length(json_array_get(json_object_get(o, "l"), 0)), 1);
	json_decref(o);
	/* the empty message is an empty object */
	o = nfx_vici_decode(m, 0);
	assert_non_null(o);
	assert_int_equal(json_object_size(o), 0);
	json_decref(o);
}

static void refused(const uint8_t *m, size_t n, const char *what)
{
	cfg_err_clear();
	json_t *o = nfx_vici_decode(m, n);
	if (o) {
		json_decref(o);
		fail_msg("accepted a bad message (%s)", what);
	}
	if (!strstr(cfg_err_msg(), what))
		fail_msg("error \"%s\" does not say \"%s\"", cfg_err_msg(), what);
}

static void test_decode_malformed(void **state)
{
	(void)state;
	const uint8_t good[] = {1, 3, 's', 'e', 'c', 3, 1, 'k', 0, 2, 'v', 'v', 4, 1, 'l', 5, 0, 1, 'x', 6, 2};
	assert_non_null(nfx_vici_decode(good, sizeof good));
	json_decref(nfx_vici_decode(good, sizeof good));
	/* every cut inside is refused */
	for (size_t i = 1; i < sizeof good; i++) {
		cfg_err_clear();
		json_t *o = nfx_vici_decode(good, i);
		if (o)
			fail_msg("prefix of %zu bytes accepted", i);
		assert_non_null(strstr(cfg_err_msg(), "VICI message"));
	}
	const uint8_t vlen[] = {3, 1, 'k', 0, 9, 'v'};
	refused(vlen, sizeof vlen, "truncated at offset 5 (value of 9 bytes)");
	const uint8_t nlen[] = {3, 200, 'k'};
	refused(nlen, sizeof nlen, "name of 200 bytes");
	const uint8_t noname[] = {1, 0, 2};
	refused(noname, sizeof noname, "empty name");
	const uint8_t nul[] = {3, 2, 'k', 0, 0, 0};
	refused(nul, sizeof nul, "NUL in a name");
	const uint8_t end[] = {2};
	refused(end, sizeof end, "section end without a section at offset 0");
	const uint8_t item[] = {5, 0, 0};
	refused(item, sizeof item, "list item outside a list");
	const uint8_t lend[] = {6};
	refused(lend, sizeof lend, "list end without a list");
	const uint8_t inlist[] = {4, 1, 'l', 3, 1, 'k', 0, 0, 6};
	refused(inlist, sizeof inlist, "element 3 inside a list at offset 3");
	const uint8_t unknown[] = {3, 1, 'k', 0, 0, 9};
	refused(unknown, sizeof unknown, "unknown element type 9 at offset 5");
	const uint8_t open[] = {1, 1, 's'};
	refused(open, sizeof open, "unterminated section");
	const uint8_t openl[] = {4, 1, 'l'};
	refused(openl, sizeof openl, "unterminated list");
	/* nesting: 32 levels are fine, 33 are not */
	uint8_t deep[200];
	size_t n = 0;
	for (int i = 0; i < 33; i++) {
		deep[n++] = 1;
		deep[n++] = 1;
		deep[n++] = 's';
	}
	for (int i = 0; i < 33; i++)
		deep[n++] = 2;
	refused(deep, n, "nested deeper than 32");
	json_t *ok = nfx_vici_decode(deep + 3, n - 4);
	assert_non_null(ok);
	json_decref(ok);
	/* oversize */
	uint8_t *big = calloc(1, NFX_VICI_MAX_MSG + 1);
	refused(big, NFX_VICI_MAX_MSG + 1, "larger than");
	free(big);
}

static void test_encode_refused(void **state)
{
	(void)state;
	uint8_t *b;
	size_t n;
	json_t *a = json_array();
	assert_int_equal(nfx_vici_encode(a, &b, &n), -1);
	json_decref(a);
	json_t *o = json_pack("{s:f}", "k", 1.5);
	assert_int_equal(nfx_vici_encode(o, &b, &n), -1);
	assert_non_null(strstr(cfg_err_msg(), "not a string"));
	json_decref(o);
	o = json_pack("{s:[{}]}", "l");
	assert_int_equal(nfx_vici_encode(o, &b, &n), -1);
	json_decref(o);
	char key[300];
	memset(key, 'k', sizeof key);
	key[299] = 0;
	o = json_pack("{s:s}", key, "v");
	assert_int_equal(nfx_vici_encode(o, &b, &n), -1);
	assert_non_null(strstr(cfg_err_msg(), "1 to 255 bytes"));
	json_decref(o);
	o = json_pack("{s:s}", "", "v");
	assert_int_equal(nfx_vici_encode(o, &b, &n), -1);
	json_decref(o);
	char *val = malloc(70000);
	memset(val, 'v', 70000);
	val[69999] = 0;
	o = json_pack("{s:s}", "k", val);
	assert_int_equal(nfx_vici_encode(o, &b, &n), -1);
	assert_non_null(strstr(cfg_err_msg(), "longer than 65535"));
	json_decref(o);
	/* too large in all */
	o = json_object();
	val[60000] = 0;
	for (int i = 0; i < 10; i++) {
		char k[8];
		snprintf(k, sizeof k, "k%d", i);
		json_object_set_new(o, k, json_string(val));
	}
	assert_int_equal(nfx_vici_encode(o, &b, &n), -1);
	assert_non_null(strstr(cfg_err_msg(), "larger than"));
	json_decref(o);
	free(val);
	/* too deep */
	o = json_object();
	json_t *p = o;
	for (int i = 0; i < 40; i++) {
		json_t *q = json_object();
		json_object_set_new(p, "s", q);
		p = q;
	}
	assert_int_equal(nfx_vici_encode(o, &b, &n), -1);
	assert_non_null(strstr(cfg_err_msg(), "deeper"));
	json_decref(o);
}

static void test_ok(void **state)
{
	(void)state;
	json_t *r = json_pack("{s:s}", "success", "yes");
	assert_int_equal(nfx_vici_ok(r), 0);
	json_decref(r);
	r = json_pack("{s:s, s:s}", "success", "no", "errmsg", "unknown child");
	assert_int_equal(nfx_vici_ok(r), -1);
	assert_string_equal(cfg_err_msg(), "unknown child");
	json_decref(r);
	assert_int_equal(nfx_vici_ok(NULL), -1);
	assert_string_equal(cfg_err_msg(), "no reason given");
}

/* ------------------------------------------------------------ fake charon */

enum script { S_VERSION, S_UNKNOWN, S_STREAM, S_SILENT, S_EVENTS, S_BADLEN };

static char dir[64], sock_path[80];
static int lsock = -1;
static pthread_t server;
static enum script script;
static char server_err[600]; /* what the server found wrong */

/* Write N bytes in pieces of 3 with tiny pauses (the client reassembles). */
static void put_slowly(int fd, const uint8_t *p, size_t n)
{
	for (size_t o = 0; o < n; o += 3) {
		size_t k = n - o < 3 ? n - o : 3;
		if (write(fd, p + o, k) != (ssize_t)k)
			return;
		if (o % 12 == 0) {
			struct timespec ts = {0, 200000};
			nanosleep(&ts, NULL);
		}
	}
}

/* A packet: TYPE, NAME (NULL: unnamed), BODY. */
static void put_packet(int fd, int type, const char *name, const uint8_t *body, size_t blen)
{
	uint8_t p[1024];
	size_t nl = name ? strlen(name) : 0;
	size_t len = 1 + (name ? 1 + nl : 0) + blen;
	p[0] = 0;
	p[1] = (uint8_t)(len >> 16);
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = (uint8_t)type;
	size_t o = 5;
	if (name) {
		p[o++] = (uint8_t)nl;
		memcpy(p + o, name, nl);
		o += nl;
	}
	memcpy(p + o, body, blen);
	put_slowly(fd, p, o + blen);
}

static bool get_all(int fd, uint8_t *p, size_t n)
{
	size_t o = 0;
	while (o < n) {
		ssize_t r = read(fd, p + o, n - o);
		if (r <= 0)
			return false;
		o += (size_t)r;
	}
	return true;
}

/* Read a packet; its type, name into NAME, body into BODY. -1 at EOF. */
static int get_packet(int fd, char *name, uint8_t *body, size_t *blen)
{
	uint8_t h[4];
	if (!get_all(fd, h, 4))
		return -1;
	size_t len = ((size_t)h[0] << 24) | ((size_t)h[1] << 16) | ((size_t)h[2] << 8) | h[3];
	uint8_t p[4096];
	if (len == 0 || len > sizeof p || !get_all(fd, p, len))
		return -1;
	int type = p[0];
	size_t o = 1;
	name[0] = 0;
	if (type == 0 || type == 3 || type == 4) {
		size_t nl = p[o++];
		memcpy(name, p + o, nl);
		name[nl] = 0;
		o += nl;
	}
	*blen = len - o;
	memcpy(body, p + o, *blen);
	return type;
}

static void expect(int fd, int type, const char *name)
{
	char n[256];
	uint8_t b[4096];
	size_t bl;
	int t = get_packet(fd, n, b, &bl);
	if (t != type || strcmp(n, name) != 0)
		snprintf(server_err, sizeof server_err, "wanted packet %d %s, got %d %s", type, name, t, n);
}

static const uint8_t version_body[] = {3, 6, 'd', 'a', 'e', 'm', 'o', 'n', 0, 6, 'c', 'h', 'a', 'r', 'o', 'n',
                                       3, 7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 0, 5, '5', '.', '9', '.', '8'};

static void *serve(void *arg)
{
	(void)arg;
	int fd = accept(lsock, NULL, NULL);
	if (fd < 0)
		return NULL;
	char n[256];
	uint8_t b[4096];
	size_t bl;
	switch (script) {
	case S_VERSION: {
		/* the request: CMD_REQUEST "version", empty body; then one with args */
		expect(fd, 0, "version");
		put_packet(fd, 1, NULL, version_body, sizeof version_body);
		int t = get_packet(fd, n, b, &bl);
		const uint8_t want[] = {3, 3, 'i', 'k', 'e', 0, 2, 'h', 'q'};
		if (t != 0 || strcmp(n, "terminate") || bl != sizeof want || memcmp(b, want, bl))
			snprintf(server_err, sizeof server_err, "bad terminate request");
		const uint8_t resp[] = {3, 7, 's', 'u', 'c', 'c', 'e', 's', 's', 0, 2, 'n', 'o',
		                        3, 6, 'e', 'r', 'r', 'm', 's', 'g', 0, 2, 'n', 'o'};
		put_packet(fd, 1, NULL, resp, sizeof resp);
		break;
	}
	case S_UNKNOWN:
		expect(fd, 0, "no-such-command");
		put_packet(fd, 2, NULL, NULL, 0);
		expect(fd, 3, "no-such-event");
		put_packet(fd, 6, NULL, NULL, 0);
		break;
	case S_STREAM: {
		/* a registration kept for events, then a streamed list-sas */
		expect(fd, 3, "ike-updown");
		put_packet(fd, 5, NULL, NULL, 0);
		expect(fd, 3, "list-sa");
		put_packet(fd, 5, NULL, NULL, 0);
		expect(fd, 0, "list-sas");
		const uint8_t sa1[] = {1, 2, 'h', 'q', 3, 5, 's', 't', 'a', 't', 'e', 0, 11,
		                       'E', 'S', 'T', 'A', 'B', 'L', 'I', 'S', 'H', 'E', 'D', 2};
		const uint8_t up[] = {3, 2, 'u', 'p', 0, 3, 'y', 'e', 's'};
		put_packet(fd, 7, "list-sa", sa1, sizeof sa1);
		put_packet(fd, 7, "ike-updown", up, sizeof up); /* not the stream's: queued */
		put_packet(fd, 7, "list-sa", sa1, sizeof sa1);
		put_packet(fd, 1, NULL, NULL, 0);
		expect(fd, 4, "list-sa");
		put_packet(fd, 5, NULL, NULL, 0);
		/* then one more event, read from the socket */
		put_packet(fd, 7, "ike-updown", up, sizeof up);
		break;
	}
	case S_SILENT:
		expect(fd, 0, "version");
		/* never answers; wait for the client to go */
		get_packet(fd, n, b, &bl);
		break;
	case S_EVENTS:
		expect(fd, 3, "child-updown");
		put_packet(fd, 5, NULL, NULL, 0);
		get_packet(fd, n, b, &bl); /* until the client closes */
		break;
	case S_BADLEN: {
		expect(fd, 0, "version");
		const uint8_t h[] = {0x7f, 0, 0, 0, 1};
		put_slowly(fd, h, sizeof h);
		get_packet(fd, n, b, &bl);
		break;
	}
	}
	close(fd);
	return NULL;
}

static int start_server(enum script s)
{
	script = s;
	server_err[0] = 0;
	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock_path);
	unlink(sock_path);
	if (bind(lsock, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lsock, 4) < 0)
		return -1;
	return pthread_create(&server, NULL, serve, NULL);
}

static void stop_server(void)
{
	pthread_join(server, NULL);
	close(lsock);
	unlink(sock_path);
	if (server_err[0])
		fail_msg("fake charon: %s", server_err);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/nfx-ut-vici.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sock_path, sizeof sock_path, "%s/vici", dir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	unlink(sock_path);
	rmdir(dir);
	return 0;
}

static void test_call(void **state)
{
	(void)state;
	assert_int_equal(start_server(S_VERSION), 0);
	struct nfx_vici *v = nfx_vici_connect(sock_path, 2000);
	assert_non_null(v);
	json_t *r = NULL;
	assert_int_equal(nfx_vici_call(v, "version", NULL, &r, 5000), 0);
	assert_string_equal(json_string_value(json_object_get(r, "daemon")), "charon");
	assert_string_equal(json_string_value(json_object_get(r, "version")), "5.9.8");
	json_decref(r);
	json_t *args = json_pack("{s:s}", "ike", "hq");
	assert_int_equal(nfx_vici_call(v, "terminate", args, &r, 5000), 0);
	json_decref(args);
	assert_int_equal(nfx_vici_ok(r), -1);
	assert_string_equal(cfg_err_msg(), "no");
	json_decref(r);
	nfx_vici_close(v);
	stop_server();
}

static void test_connect_missing(void **state)
{
	(void)state;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_null(nfx_vici_connect("/tmp/nfx-ut-vici-nonexistent/vici", 200));
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms >= 180 && ms < 3000);
	assert_non_null(strstr(cfg_err_msg(), "cannot connect"));
	nfx_vici_close(NULL);
}

static void test_unknown(void **state)
{
	(void)state;
	assert_int_equal(start_server(S_UNKNOWN), 0);
	struct nfx_vici *v = nfx_vici_connect(sock_path, 2000);
	assert_non_null(v);
	json_t *r = (json_t *)1;
	assert_int_equal(nfx_vici_call(v, "no-such-command", NULL, &r, 5000), -1);
	assert_null(r);
	assert_non_null(strstr(cfg_err_msg(), "does not know the command \"no-such-command\""));
	assert_int_equal(nfx_vici_register(v, "no-such-event"), -1);
	assert_non_null(strstr(cfg_err_msg(), "does not know the event"));
	nfx_vici_close(v);
	stop_server();
}

static void test_stream_and_queue(void **state)
{
	(void)state;
	assert_int_equal(start_server(S_STREAM), 0);
	struct nfx_vici *v = nfx_vici_connect(sock_path, 2000);
	assert_non_null(v);
	assert_int_equal(nfx_vici_register(v, "ike-updown"), 0);
	json_t *events = NULL, *reply = NULL;
	assert_int_equal(nfx_vici_call_stream(v, "list-sas", "list-sa", NULL, &events, &reply, 5000), 0);
	assert_int_equal(json_array_size(events), 2);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(json_array_get(events, 1), "hq"), "state")),
	    "ESTABLISHED");
	assert_int_equal(json_object_size(reply), 0);
	json_decref(events);
	json_decref(reply);
	/* the event that came in between was kept */
	assert_int_equal(nfx_vici_pending(v), 1);
	char *name;
	json_t *msg;
	assert_int_equal(nfx_vici_read_event(v, &name, &msg, 0), 1);
	assert_string_equal(name, "ike-updown");
	assert_string_equal(json_string_value(json_object_get(msg, "up")), "yes");
	free(name);
	json_decref(msg);
	assert_int_equal(nfx_vici_pending(v), 0);
	/* and the next from the socket */
	struct pollfd pfd = {.fd = nfx_vici_fd(v), .events = POLLIN};
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	assert_int_equal(nfx_vici_read_event(v, &name, &msg, 5000), 1);
	assert_string_equal(name, "ike-updown");
	free(name);
	json_decref(msg);
	nfx_vici_close(v);
	stop_server();
}

static void test_timeout(void **state)
{
	(void)state;
	assert_int_equal(start_server(S_SILENT), 0);
	struct nfx_vici *v = nfx_vici_connect(sock_path, 2000);
	assert_non_null(v);
	json_t *r = NULL;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(nfx_vici_call(v, "version", NULL, &r, 300), -1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms >= 280 && ms < 3000);
	assert_non_null(strstr(cfg_err_msg(), "no answer to version in time"));
	/* the connection is not used again */
	assert_int_equal(nfx_vici_call(v, "version", NULL, &r, 300), -1);
	assert_non_null(strstr(cfg_err_msg(), "broken"));
	nfx_vici_close(v);
	stop_server();
}

static void test_events_timeout(void **state)
{
	(void)state;
	assert_int_equal(start_server(S_EVENTS), 0);
	struct nfx_vici *v = nfx_vici_connect(sock_path, 2000);
	assert_non_null(v);
	assert_int_equal(nfx_vici_register(v, "child-updown"), 0);
	assert_int_equal(nfx_vici_register(v, "child-updown"), 0); /* once is enough */
	char *name = (char *)1;
	json_t *msg = (json_t *)1;
	assert_int_equal(nfx_vici_read_event(v, &name, &msg, 100), 0);
	assert_null(name);
	assert_null(msg);
	nfx_vici_close(v);
	stop_server();
}

static void test_bad_length(void **state)
{
	(void)state;
	assert_int_equal(start_server(S_BADLEN), 0);
	struct nfx_vici *v = nfx_vici_connect(sock_path, 2000);
	assert_non_null(v);
	json_t *r = NULL;
	assert_int_equal(nfx_vici_call(v, "version", NULL, &r, 5000), -1);
	assert_non_null(strstr(cfg_err_msg(), "bad packet length"));
	nfx_vici_close(v);
	stop_server();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encode_bytes),
	    cmocka_unit_test(test_roundtrip_nested),
	    cmocka_unit_test(test_decode_binary),
	    cmocka_unit_test(test_decode_malformed),
	    cmocka_unit_test(test_encode_refused),
	    cmocka_unit_test(test_ok),
	    cmocka_unit_test(test_call),
	    cmocka_unit_test(test_connect_missing),
	    cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_stream_and_queue),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_events_timeout),
	    cmocka_unit_test(test_bad_length),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
