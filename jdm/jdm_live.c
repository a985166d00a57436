/* jdm_live — ICMP echo liveliness prober. See jdm_live.h. */
#include "jdm_live.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cfg_err.h"

#ifndef ICMP_FILTER
#define ICMP_FILTER 1 /* linux/icmp.h: raw socket filter of ICMP types */
#endif

#define LIVE_MAGIC 0x6e66786cu /* "nfxl" */

struct target {
	char name[64];
	struct in_addr ip;
	uint32_t token;  /* identifies this name+address in our payload */
	bool ok;         /* some probe has been answered */
	time_t last_ok;  /* send time of the newest answered probe */
	bool scheduled;
	time_t next;     /* next probe due */
	unsigned sent, received;
};

struct jdm_live {
	int fd;
	bool raw;
	uint16_t ident;  /* echo id (raw sockets; ping sockets get the port) */
	uint16_t seq;
	uint32_t next_token;
	unsigned down_s, alive_s;
	time_t now;
	struct target *t;
	size_t n, cap;
};

/* The echo payload: who it was for and when it was sent. */
struct payload {
	uint32_t magic;
	uint32_t token;
	int64_t sent;
};

struct jdm_live *jdm_live_new(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	bool raw = false;
	if (fd < 0) {
		fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
		if (fd < 0) {
			cfg_err_set("liveliness: cannot open an ICMP socket (ping_group_range does not "
			            "include us and raw sockets need CAP_NET_RAW): %s",
			            strerror(errno));
			return NULL;
		}
		raw = true;
		/* Only echo replies, please. */
		uint32_t filter = ~(1u << ICMP_ECHOREPLY);
		setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof filter);
	}
	struct jdm_live *l = calloc(1, sizeof *l);
	if (!l)
		abort();
	l->fd = fd;
	l->raw = raw;
	l->ident = (uint16_t)((unsigned)getpid() ^ ((unsigned)time(NULL) << 4) ^ (unsigned)(uintptr_t)l);
	l->next_token = ((uint32_t)getpid() << 16) ^ (uint32_t)time(NULL);
	l->down_s = 1;
	l->alive_s = 5;
	l->now = time(NULL);
	return l;
}

void jdm_live_free(struct jdm_live *l)
{
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd);
	free(l->t);
	free(l);
}

int jdm_live_fd(const struct jdm_live *l)
{
	return l ? l->fd : -1;
}

const char *jdm_live_socket_kind(const struct jdm_live *l)
{
	return l && l->raw ? "raw" : "ping";
}

void jdm_live_set_periods(struct jdm_live *l, unsigned down_s, unsigned alive_s)
{
	if (!l)
		return;
	if (down_s)
		l->down_s = down_s;
	if (alive_s)
		l->alive_s = alive_s;
}

static struct target *find(const struct jdm_live *l, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->t[i].name, name))
			return &l->t[i];
	return NULL;
}

static bool alive(const struct jdm_live *l, const struct target *t)
{
	return t->ok && l->now - t->last_ok < (time_t)(3 * l->alive_s);
}

static void target_init(struct jdm_live *l, struct target *t, const char *name, struct in_addr ip)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	t->ip = ip;
	t->token = ++l->next_token;
}

static bool name_ok(const char *s)
{
	return s && *s && strlen(s) < sizeof(((struct target *)0)->name);
}

int jdm_live_set_targets(struct jdm_live *l, const struct jdm_live_target *targets, size_t n)
{
	if (!l)
		return cfg_err_set("liveliness: no handle");
	struct target *nt = n ? calloc(n, sizeof *nt) : NULL;
	if (n && !nt)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct in_addr ip;
		if (!name_ok(targets[i].name)) {
			free(nt);
			return cfg_err_set("liveliness: bad target name \"%s\"",
			                   targets[i].name ? targets[i].name : "");
		}
		if (!targets[i].ip || inet_pton(AF_INET, targets[i].ip, &ip) != 1) {
			free(nt);
			return cfg_err_set("liveliness: %s: bad address \"%s\"", targets[i].name,
			                   targets[i].ip ? targets[i].ip : "");
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(nt[j].name, targets[i].name)) {
				free(nt);
				return cfg_err_set("liveliness: target %s given twice", targets[i].name);
			}
		const struct target *old = find(l, targets[i].name);
		if (old && old->ip.s_addr == ip.s_addr)
			nt[i] = *old;
		else
			target_init(l, &nt[i], targets[i].name, ip);
	}
	free(l->t);
	l->t = nt;
	l->n = l->cap = n;
	return 0;
}

static uint16_t csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static void send_echo(struct jdm_live *l, struct target *t)
{
	unsigned char pkt[sizeof(struct icmphdr) + sizeof(struct payload)];
	struct icmphdr ih = {0};
	ih.type = ICMP_ECHO;
	ih.code = 0;
	ih.un.echo.id = htons(l->ident);
	ih.un.echo.sequence = htons(++l->seq);
	struct payload pl = {.magic = LIVE_MAGIC, .token = t->token, .sent = (int64_t)l->now};
	memcpy(pkt, &ih, sizeof ih);
	memcpy(pkt + sizeof ih, &pl, sizeof pl);
	ih.checksum = csum(pkt, sizeof pkt);
	memcpy(pkt, &ih, sizeof ih);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr = t->ip};
	t->sent++;
	/* Unreachable, no buffer space: no answer, which is the answer. */
	(void)sendto(l->fd, pkt, sizeof pkt, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&sa,
	             sizeof sa);
	t->scheduled = true;
	t->next = l->now + (time_t)(alive(l, t) ? l->alive_s : l->down_s);
}

void jdm_live_probe(struct jdm_live *l, const char *name, const char *ip)
{
	struct in_addr a;
	if (!l || !name_ok(name) || !ip || inet_pton(AF_INET, ip, &a) != 1)
		return;
	struct target *t = find(l, name);
	if (!t) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 8;
			struct target *nt = realloc(l->t, cap * sizeof *nt);
			if (!nt)
				abort();
			l->t = nt;
			l->cap = cap;
		}
		t = &l->t[l->n++];
		target_init(l, t, name, a);
	} else if (t->ip.s_addr != a.s_addr) {
		target_init(l, t, name, a);
	}
	send_echo(l, t);
}

void jdm_live_tick(struct jdm_live *l, time_t now)
{
	if (!l)
		return;
	l->now = now;
	for (size_t i = 0; i < l->n; i++) {
		struct target *t = &l->t[i];
		if (!t->scheduled || now >= t->next)
			send_echo(l, t);
	}
}

void jdm_live_input(struct jdm_live *l)
{
	if (!l)
		return;
	for (int round = 0; round < 1024; round++) {
		unsigned char buf[1500];
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		ssize_t len = recvfrom(l->fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			continue; /* a pending ICMP error (ECONNREFUSED, EHOSTUNREACH...) */
		}
		const unsigned char *p = buf;
		size_t plen = (size_t)len;
		if (l->raw) {
			if (plen < sizeof(struct iphdr))
				continue;
			size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
			if (ihl < sizeof(struct iphdr) || ihl > plen)
				continue;
			p += ihl;
			plen -= ihl;
		}
		if (plen < sizeof(struct icmphdr) + sizeof(struct payload))
			continue;
		struct icmphdr ih;
		memcpy(&ih, p, sizeof ih);
		if (ih.type != ICMP_ECHOREPLY)
			continue;
		if (l->raw && ntohs(ih.un.echo.id) != l->ident)
			continue; /* someone else's ping */
		struct payload pl;
		memcpy(&pl, p + sizeof ih, sizeof pl);
		if (pl.magic != LIVE_MAGIC || pl.sent > (int64_t)l->now)
			continue;
		for (size_t i = 0; i < l->n; i++) {
			struct target *t = &l->t[i];
			if (t->token != pl.token || t->ip.s_addr != from.sin_addr.s_addr)
				continue;
			t->received++;
			if (!t->ok || (time_t)pl.sent > t->last_ok)
				t->last_ok = (time_t)pl.sent;
			t->ok = true;
			/* alive now: the next probe one ALIVE period after this one */
			if (alive(l, t) && t->next < t->last_ok + (time_t)l->alive_s)
				t->next = t->last_ok + (time_t)l->alive_s;
		}
	}
}

int jdm_live_state(const struct jdm_live *l, const char *name)
{
	const struct target *t = l ? find(l, name) : NULL;
	if (!t)
		return -1;
	return alive(l, t) ? 1 : 0;
}

unsigned jdm_live_sent(const struct jdm_live *l, const char *name)
{
	const struct target *t = l ? find(l, name) : NULL;
	return t ? t->sent : 0;
}

unsigned jdm_live_received(const struct jdm_live *l, const char *name)
{
	const struct target *t = l ? find(l, name) : NULL;
	return t ? t->received : 0;
}

void jdm_live_reset(struct jdm_live *l, const char *name)
{
	struct target *t = l ? find(l, name) : NULL;
	if (!t)
		return;
	t->ok = false;
	t->last_ok = 0;
	t->scheduled = false;
	t->token = ++l->next_token; /* replies to earlier probes no longer count */
}
