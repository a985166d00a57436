/* Unit tests of cfg_proto: framing over a socket and the incremental
 * decoder of the daemon's event loop. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cfg_err.h"
#include "cfg_proto.h"

static void make_pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

/* Raw bytes of one frame (malloc'ed; caller frees). */
static unsigned char *encode(char type, const void *p, uint32_t len, size_t *out_len)
{
	unsigned char *b = malloc((size_t)len + 5);
	assert_non_null(b);
	b[0] = (unsigned char)type;
	b[1] = (unsigned char)(len >> 24);
	b[2] = (unsigned char)(len >> 16);
	b[3] = (unsigned char)(len >> 8);
	b[4] = (unsigned char)len;
	if (len)
		memcpy(b + 5, p, len);
	*out_len = (size_t)len + 5;
	return b;
}

static void write_raw(int fd, const void *p, size_t n)
{
	assert_int_equal(write(fd, p, n), (ssize_t)n);
}

static void test_round_trip(void **state)
{
	(void)state;
	int sv[2];
	char type;
	char *p;
	size_t len;

	make_pair(sv);
	assert_int_equal(cfg_proto_send(sv[0], CFG_P_HELLO, "tty=0\ncols=80\nclient=cli\n", 26), 0);
	assert_int_equal(cfg_proto_send(sv[0], CFG_P_LINE, "", 0), 0);
	assert_int_equal(cfg_proto_send(sv[0], CFG_P_LINE, NULL, 0), 0);
	static const char done[] = "0\n{master:0}[edit]\n\0root@jdm# ";
	assert_int_equal(cfg_proto_send(sv[0], CFG_P_DONE, done, sizeof done - 1), 0);
	static const char bin[] = { 0, 1, 2, (char)0xff, 0 };
	assert_int_equal(cfg_proto_send(sv[0], CFG_P_INPUT, bin, sizeof bin), 0);

	assert_int_equal(cfg_proto_recv(sv[1], &type, &p, &len), 0);
	assert_int_equal(type, CFG_P_HELLO);
	assert_int_equal(len, 26);
	assert_string_equal(p, "tty=0\ncols=80\nclient=cli\n");
	free(p);

	for (int i = 0; i < 2; i++) {
		assert_int_equal(cfg_proto_recv(sv[1], &type, &p, &len), 0);
		assert_int_equal(type, CFG_P_LINE);
		assert_int_equal(len, 0);
		assert_non_null(p);
		assert_int_equal(p[0], '\0');
		free(p);
	}

	assert_int_equal(cfg_proto_recv(sv[1], &type, &p, &len), 0);
	assert_int_equal(type, CFG_P_DONE);
	assert_int_equal(len, sizeof done - 1);
	assert_memory_equal(p, done, sizeof done - 1);
	assert_int_equal(p[len], '\0');
	assert_string_equal(p + strlen(p) + 1, "root@jdm# ");
	free(p);

	assert_int_equal(cfg_proto_recv(sv[1], &type, &p, &len), 0);
	assert_int_equal(type, CFG_P_INPUT);
	assert_int_equal(len, sizeof bin);
	assert_memory_equal(p, bin, sizeof bin);
	free(p);

	close(sv[0]);
	assert_int_equal(cfg_proto_recv(sv[1], &type, &p, &len), 1);
	assert_null(p);
	close(sv[1]);
}

static char *pattern(size_t n)
{
	char *b = malloc(n);
	assert_non_null(b);
	for (size_t i = 0; i < n; i++)
		b[i] = (char)(i * 131u + (i >> 13));
	return b;
}

/* 8 MB through a socket: the sender is a child process, so the socket
 * buffer fills and both sides see short reads and writes. */
static void test_large_frame(void **state)
{
	(void)state;
	const size_t n = 8u << 20;
	int sv[2];
	char type;
	char *p;
	size_t len;

	make_pair(sv);
	char *src = pattern(n);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[1]);
		int ok = cfg_proto_send(sv[0], CFG_P_INPUT, src, n) == 0 &&
		         cfg_proto_send(sv[0], CFG_P_OUT, "after", 5) == 0;
		_exit(ok ? 0 : 1);
	}
	close(sv[0]);
	assert_int_equal(cfg_proto_recv(sv[1], &type, &p, &len), 0);
	assert_int_equal(type, CFG_P_INPUT);
	assert_int_equal(len, n);
	assert_memory_equal(p, src, n);
	assert_int_equal(p[n], '\0');
	free(p);
	assert_int_equal(cfg_proto_recv(sv[1], &type, &p, &len), 0);
	assert_int_equal(type, CFG_P_OUT);
	assert_string_equal(p, "after");
	free(p);
	assert_int_equal(cfg_proto_recv(sv[1], &type, &p, &len), 1);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(sv[1]);
	free(src);
}

static void test_decoder_byte_by_byte(void **state)
{
	(void)state;
	struct cfg_proto_rx rx = { 0 };
	size_t l1, l2, l3;
	unsigned char *f1 = encode(CFG_P_LINE, "show configuration", 18, &l1);
	unsigned char *f2 = encode(CFG_P_HELP, "", 0, &l2);
	unsigned char *f3 = encode(CFG_P_COMPLETE, "set vi", 6, &l3);
	size_t total = l1 + l2 + l3;
	unsigned char *all = malloc(total);
	assert_non_null(all);
	memcpy(all, f1, l1);
	memcpy(all + l1, f2, l2);
	memcpy(all + l1 + l2, f3, l3);

	char type;
	char *p;
	size_t len;
	int got = 0;
	static const char want_type[] = { CFG_P_LINE, CFG_P_HELP, CFG_P_COMPLETE };
	static const char *const want[] = { "show configuration", "", "set vi" };
	size_t ends[] = { l1, l1 + l2, total };

	for (size_t i = 0; i < total; i++) {
		assert_int_equal(cfg_proto_rx_feed(&rx, all + i, 1), 0);
		int r = cfg_proto_rx_next(&rx, &type, &p, &len);
		if (got < 3 && i + 1 == ends[got]) {
			assert_int_equal(r, 1);
			assert_int_equal(type, want_type[got]);
			assert_int_equal(len, strlen(want[got]));
			assert_string_equal(p, want[got]);
			free(p);
			got++;
		} else {
			assert_int_equal(r, 0);
			assert_null(p);
		}
	}
	assert_int_equal(got, 3);
	assert_int_equal(rx.len, 0);

	/* All three in one feed come out one by one. */
	assert_int_equal(cfg_proto_rx_feed(&rx, all, total), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(cfg_proto_rx_next(&rx, &type, &p, &len), 1);
		assert_int_equal(type, want_type[i]);
		assert_string_equal(p, want[i]);
		free(p);
	}
	assert_int_equal(cfg_proto_rx_next(&rx, &type, &p, &len), 0);

	cfg_proto_rx_free(&rx);
	cfg_proto_rx_free(&rx);
	cfg_proto_rx_free(NULL);
	free(all);
	free(f1);
	free(f2);
	free(f3);
}

static void test_decoder_large(void **state)
{
	(void)state;
	const size_t n = 8u << 20;
	struct cfg_proto_rx rx = { 0 };
	char *src = pattern(n);
	size_t fl;
	unsigned char *f = encode(CFG_P_INPUT, src, (uint32_t)n, &fl);
	char type;
	char *p;
	size_t len;

	for (size_t off = 0; off < fl; off += 65536) {
		size_t c = fl - off < 65536 ? fl - off : 65536;
		assert_int_equal(cfg_proto_rx_next(&rx, &type, &p, &len), 0);
		assert_int_equal(cfg_proto_rx_feed(&rx, f + off, c), 0);
	}
	assert_int_equal(cfg_proto_rx_next(&rx, &type, &p, &len), 1);
	assert_int_equal(type, CFG_P_INPUT);
	assert_int_equal(len, n);
	assert_memory_equal(p, src, n);
	free(p);
	cfg_proto_rx_free(&rx);
	free(f);
	free(src);
}

static void test_oversize(void **state)
{
	(void)state;
	unsigned char hdr[5] = { CFG_P_INPUT, 0, 0, 0, 0 };
	uint32_t big = CFG_PROTO_MAX + 1u;
	hdr[1] = (unsigned char)(big >> 24);
	hdr[2] = (unsigned char)(big >> 16);
	hdr[3] = (unsigned char)(big >> 8);
	hdr[4] = (unsigned char)big;
	char type;
	char *p;
	size_t len;
	int sv[2];

	/* Sending: refused before anything is written. */
	make_pair(sv);
	cfg_err_clear();
	assert_int_equal(cfg_proto_send(sv[0], CFG_P_OUT, hdr, (size_t)CFG_PROTO_MAX + 1), -1);
	assert_true(cfg_err_msg()[0] != '\0');

	/* Receiving: a header announcing too much is an error. */
	write_raw(sv[0], hdr, sizeof hdr);
	cfg_err_clear();
	assert_int_equal(cfg_proto_recv(sv[1], &type, &p, &len), -1);
	assert_null(p);
	assert_true(cfg_err_msg()[0] != '\0');
	close(sv[0]);
	close(sv[1]);

	/* Decoder: rejected as soon as the header is complete. */
	struct cfg_proto_rx rx = { 0 };
	assert_int_equal(cfg_proto_rx_feed(&rx, hdr, 3), 0);
	assert_int_equal(cfg_proto_rx_next(&rx, &type, &p, &len), 0);
	int r = cfg_proto_rx_feed(&rx, hdr + 3, 2);
	if (r == 0)
		r = cfg_proto_rx_next(&rx, &type, &p, &len);
	assert_int_equal(r, -1);
	cfg_proto_rx_free(&rx);

	/* Exactly the maximum is a valid header (the frame is just incomplete). */
	hdr[1] = (unsigned char)(CFG_PROTO_MAX >> 24);
	hdr[2] = (unsigned char)(CFG_PROTO_MAX >> 16);
	hdr[3] = (unsigned char)(CFG_PROTO_MAX >> 8);
	hdr[4] = (unsigned char)CFG_PROTO_MAX;
	assert_int_equal(cfg_proto_rx_feed(&rx, hdr, 5), 0);
	assert_int_equal(cfg_proto_rx_next(&rx, &type, &p, &len), 0);
	/* ... and a header alone does not make the decoder reserve 64 MiB */
	assert_true(rx.cap < 65536);
	cfg_proto_rx_free(&rx);

	/* A decoder with a small limit (before HELLO) */
	struct cfg_proto_rx small = { .max = CFG_PROTO_HELLO_MAX };
	unsigned char h2[5] = { CFG_P_HELLO, 0, 0, (unsigned char)(CFG_PROTO_HELLO_MAX >> 8),
	                        (unsigned char)CFG_PROTO_HELLO_MAX };
	assert_int_equal(cfg_proto_rx_feed(&small, h2, 5), 0);
	cfg_proto_rx_free(&small);
	h2[4] = (unsigned char)(CFG_PROTO_HELLO_MAX + 1);
	cfg_err_clear();
	assert_int_equal(cfg_proto_rx_feed(&small, h2, 5), -1);
	assert_non_null(strstr(cfg_err_msg(), "too large"));
	cfg_proto_rx_free(&small);
	/* a second frame over the limit behind a good one is refused at next() */
	size_t fl;
	unsigned char *f = encode(CFG_P_HELLO, "tty=0\n", 6, &fl);
	unsigned char two[64];
	memcpy(two, f, fl);
	memcpy(two + fl, h2, 5);
	free(f);
	assert_int_equal(cfg_proto_rx_feed(&small, two, fl + 5), 0);
	assert_int_equal(cfg_proto_rx_next(&small, &type, &p, &len), 1);
	free(p);
	assert_int_equal(cfg_proto_rx_next(&small, &type, &p, &len), -1);
	/* the same after the limit is lifted (HELLO seen): just incomplete */
	small.max = 0;
	assert_int_equal(cfg_proto_rx_next(&small, &type, &p, &len), 0);
	cfg_proto_rx_free(&small);
}

static void test_eof(void **state)
{
	(void)state;
	int sv[2];
	char type;
	char *p;
	size_t len;
	size_t fl;
	unsigned char *f = encode(CFG_P_OUT, "hello", 5, &fl);

	/* EOF before any frame: 1. */
	make_pair(sv);
	close(sv[0]);
	assert_int_equal(cfg_proto_recv(sv[1], &type, &p, &len), 1);
	close(sv[1]);

	/* EOF inside the header: error. */
	make_pair(sv);
	write_raw(sv[0], f, 3);
	close(sv[0]);
	assert_int_equal(cfg_proto_recv(sv[1], &type, &p, &len), -1);
	assert_null(p);
	close(sv[1]);

	/* EOF inside the payload: error. */
	make_pair(sv);
	write_raw(sv[0], f, fl - 1);
	close(sv[0]);
	assert_int_equal(cfg_proto_recv(sv[1], &type, &p, &len), -1);
	assert_null(p);
	close(sv[1]);

	/* A whole frame, then EOF: the frame, then 1. */
	make_pair(sv);
	write_raw(sv[0], f, fl);
	close(sv[0]);
	assert_int_equal(cfg_proto_recv(sv[1], &type, &p, &len), 0);
	assert_string_equal(p, "hello");
	free(p);
	assert_int_equal(cfg_proto_recv(sv[1], &type, &p, &len), 1);
	close(sv[1]);

	/* Sending to a closed peer: -1, no SIGPIPE. */
	make_pair(sv);
	close(sv[1]);
	assert_int_equal(cfg_proto_send(sv[0], CFG_P_LINE, "exit", 4), -1);
	close(sv[0]);

	/* Sending on a pipe (not a socket) works too. */
	int pp[2];
	assert_int_equal(pipe(pp), 0);
	assert_int_equal(cfg_proto_send(pp[1], CFG_P_OUT, "hello", 5), 0);
	close(pp[1]);
	assert_int_equal(cfg_proto_recv(pp[0], &type, &p, &len), 0);
	assert_int_equal(type, CFG_P_OUT);
	assert_string_equal(p, "hello");
	free(p);
	close(pp[0]);
	free(f);
}

int main(void)
{
	/* A SIGPIPE would kill the test instead of failing it. */
	signal(SIGPIPE, SIG_DFL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_large_frame),
		cmocka_unit_test(test_decoder_byte_by_byte),
		cmocka_unit_test(test_decoder_large),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_eof),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
