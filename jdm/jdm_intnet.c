/* jdm_intnet — JDM internal network, management bridge, dnsmasq. See
 * jdm_intnet.h. */
#include "jdm_intnet.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cfg_err.h"
#include "jdm_net.h"
#include "jdm_proc.h"

struct host {
	char name[64];
	char mac[18]; /* lower case */
	char ip[16];
};

struct jdm_intnet {
	char *dir;                          /* STATE/intnet */
	char *p_dhcp, *p_hosts, *p_leases, *p_pid, *p_log;
	pid_t pid;                          /* running dnsmasq, or 0 */
	bool want;                          /* dnsmasq is meant to run */
	struct timespec last_start;         /* CLOCK_MONOTONIC */
	int dns_port;
	struct host *hosts;
	size_t n_hosts;
};

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct jdm_intnet *jdm_intnet_new(const char *state_dir)
{
	if (!state_dir || !*state_dir) {
		cfg_err_set("intnet: no state directory");
		return NULL;
	}
	struct jdm_intnet *in = calloc(1, sizeof *in);
	if (!in)
		abort();
	in->dir = jdm_xasprintf("%s/intnet", state_dir);
	if (mkdir(in->dir, 0755) < 0 && errno != EEXIST) {
		cfg_err_set("%s: %s", in->dir, strerror(errno));
		free(in->dir);
		free(in);
		return NULL;
	}
	in->p_dhcp = jdm_xasprintf("%s/dhcp-hosts", in->dir);
	in->p_hosts = jdm_xasprintf("%s/hosts", in->dir);
	in->p_leases = jdm_xasprintf("%s/leases", in->dir);
	in->p_pid = jdm_xasprintf("%s/dnsmasq.pid", in->dir);
	in->p_log = jdm_xasprintf("%s/dnsmasq.log", in->dir);
	return in;
}

const char *jdm_intnet_path(const struct jdm_intnet *in, const char *file)
{
	if (!in || !file)
		return NULL;
	if (!strcmp(file, "dhcp-hosts"))
		return in->p_dhcp;
	if (!strcmp(file, "hosts"))
		return in->p_hosts;
	if (!strcmp(file, "leases"))
		return in->p_leases;
	if (!strcmp(file, "dnsmasq.pid"))
		return in->p_pid;
	if (!strcmp(file, "dnsmasq.log"))
		return in->p_log;
	return NULL;
}

pid_t jdm_intnet_dnsmasq_pid(const struct jdm_intnet *in)
{
	return in ? in->pid : 0;
}

void jdm_intnet_set_dns_port(struct jdm_intnet *in, int port)
{
	if (in)
		in->dns_port = port < 0 || port > 65535 ? 0 : port;
}

/* --- files ------------------------------------------------------------- */


static int write_host_files(const struct jdm_intnet *in, const struct host *h, size_t n)
{
	struct cfg_buf dh, hs;
	cfg_buf_init(&dh);
	cfg_buf_init(&hs);
	cfg_buf_puts(&dh, "");
	cfg_buf_puts(&hs, "");
	for (size_t i = 0; i < n; i++) {
		cfg_buf_printf(&dh, "%s,%s,%s\n", h[i].mac, h[i].ip, h[i].name);
		cfg_buf_printf(&hs, "%s %s\n", h[i].ip, h[i].name);
	}
	int rc = jdm_write_file(in->p_dhcp, dh.p, 0644);
	if (rc == 0)
		rc = jdm_write_file(in->p_hosts, hs.p, 0644);
	cfg_buf_free(&dh);
	cfg_buf_free(&hs);
	return rc;
}

/* --- validation ---------------------------------------------------------- */

static bool name_ok(const char *s)
{
	if (!s || !isalnum((unsigned char)s[0]) || strlen(s) > 63)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return false;
	return true;
}

/* MAC "xx:xx:xx:xx:xx:xx" (hex, either case) into OUT in lower case. */
static bool mac_norm(const char *s, char out[18])
{
	if (!s || strlen(s) != 17)
		return false;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (s[i] != ':')
				return false;
			out[i] = ':';
		} else {
			if (!isxdigit((unsigned char)s[i]))
				return false;
			out[i] = (char)tolower((unsigned char)s[i]);
		}
	}
	out[17] = '\0';
	return true;
}

/* IP inside 192.168.1.0/24 (not .0, .254, .255) into OUT, canonical. */
static bool ip_norm(const char *s, char out[16])
{
	struct in_addr a, net;
	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return false;
	inet_pton(AF_INET, "192.168.1.0", &net);
	uint32_t h = ntohl(a.s_addr), n = ntohl(net.s_addr);
	if ((h & 0xffffff00u) != n)
		return false;
	unsigned last = h & 0xff;
	if (last == 0 || last == 254 || last == 255)
		return false;
	return inet_ntop(AF_INET, &a, out, 16) != NULL;
}

static void stop_dnsmasq(struct jdm_intnet *in);
static int start_dnsmasq(struct jdm_intnet *in);

/* Rewrite the lease file without the leases of OLD hosts that are not in
 * the current list (matched by MAC or address). */
static void drop_leases(struct jdm_intnet *in, const struct host *old, size_t n_old)
{
	FILE *f = fopen(in->p_leases, "re");
	if (!f)
		return;
	char *tmp = jdm_xasprintf("%s.tmp", in->p_leases);
	FILE *o = fopen(tmp, "we");
	char line[512];
	while (o && fgets(line, sizeof line, f)) {
		bool drop = false;
		for (size_t i = 0; i < n_old && !drop; i++) {
			bool current = false;
			for (size_t j = 0; j < in->n_hosts && !current; j++)
				current = !strcmp(old[i].mac, in->hosts[j].mac) && !strcmp(old[i].ip, in->hosts[j].ip);
			if (current)
				continue;
			/* "EXPIRY MAC IP NAME CLIENTID": match whole fields */
			char mac[32] = "", ip[32] = "";
			if (sscanf(line, "%*s %31s %31s", mac, ip) == 2)
				drop = !strcasecmp(mac, old[i].mac) || !strcmp(ip, old[i].ip);
		}
		if (!drop)
			fputs(line, o);
	}
	fclose(f);
	if (o) {
		fclose(o);
		rename(tmp, in->p_leases);
	}
	free(tmp);
}

int jdm_intnet_set_hosts(struct jdm_intnet *in, const struct jdm_intnet_host *hosts, size_t n)
{
	if (!in)
		return cfg_err_set("intnet: no handle");
	struct host *h = n ? calloc(n, sizeof *h) : NULL;
	if (n && !h)
		abort();
	for (size_t i = 0; i < n; i++) {
		const struct jdm_intnet_host *s = &hosts[i];
		if (!name_ok(s->name)) {
			cfg_err_set("intnet: bad VNF name \"%s\"", s->name ? s->name : "");
			goto bad;
		}
		snprintf(h[i].name, sizeof h[i].name, "%s", s->name);
		if (!mac_norm(s->mac, h[i].mac)) {
			cfg_err_set("intnet: %s: bad MAC address \"%s\"", s->name, s->mac ? s->mac : "");
			goto bad;
		}
		if (!ip_norm(s->ip, h[i].ip)) {
			cfg_err_set("intnet: %s: bad internal address \"%s\" (192.168.1.1..253)", s->name,
			            s->ip ? s->ip : "");
			goto bad;
		}
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(h[j].name, h[i].name)) {
				cfg_err_set("intnet: VNF %s listed twice", h[i].name);
				goto bad;
			}
			if (!strcmp(h[j].mac, h[i].mac)) {
				cfg_err_set("intnet: %s and %s have the same MAC %s", h[j].name, h[i].name, h[i].mac);
				goto bad;
			}
			if (!strcmp(h[j].ip, h[i].ip)) {
				cfg_err_set("intnet: %s and %s have the same address %s", h[j].name, h[i].name,
				            h[i].ip);
				goto bad;
			}
		}
	}
	if (write_host_files(in, h, n) < 0)
		goto bad;
	/* A host that left (or changed MAC/address) may still hold a lease:
	   dnsmasq would refuse its address to the next VNF that gets it. */
	bool gone = false;
	for (size_t i = 0; i < in->n_hosts && !gone; i++) {
		bool kept = false;
		for (size_t j = 0; j < n && !kept; j++)
			kept = !strcmp(in->hosts[i].mac, h[j].mac) && !strcmp(in->hosts[i].ip, h[j].ip);
		gone = !kept;
	}
	struct host *old = in->hosts;
	size_t n_old = in->n_hosts;
	in->hosts = h;
	in->n_hosts = n;
	if (in->pid > 0 && gone) {
		/* dnsmasq keeps leases in memory: restart it on a lease file
		   without the leases of hosts that left */
		stop_dnsmasq(in);
		drop_leases(in, old, n_old);
		int rc = start_dnsmasq(in);
		free(old);
		return rc;
	}
	free(old);
	if (in->pid > 0)
		kill(in->pid, SIGHUP); /* dnsmasq rereads dhcp-hostsfile and addn-hosts */
	return 0;
bad:
	free(h);
	return -1;
}

int jdm_intnet_pick_ip(const char *const *used, size_t n_used, char out[16])
{
	bool taken[100] = {false};
	struct in_addr net;
	inet_pton(AF_INET, "192.168.1.0", &net);
	for (size_t i = 0; i < n_used; i++) {
		struct in_addr a;
		if (!used || !used[i] || inet_pton(AF_INET, used[i], &a) != 1)
			continue;
		uint32_t h = ntohl(a.s_addr);
		if ((h & 0xffffff00u) != ntohl(net.s_addr))
			continue;
		unsigned last = h & 0xff;
		if (last >= 100 && last <= 199)
			taken[last - 100] = true;
	}
	for (unsigned i = 0; i < 100; i++)
		if (!taken[i]) {
			snprintf(out, 16, "192.168.1.%u", 100 + i);
			return 0;
		}
	return cfg_err_set("no free internal address left in %s..%s", JDM_INTNET_FIRST_IP,
	                   JDM_INTNET_LAST_IP);
}

/* --- dnsmasq --------------------------------------------------------------- */

/* Read a pid file: the PID, or 0. */
static pid_t read_pid(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	long v = 0;
	if (fscanf(f, "%ld", &v) != 1)
		v = 0;
	fclose(f);
	return v > 0 ? (pid_t)v : 0;
}

/* The last non-empty line of the log (for error messages) into BUF. */
static void log_tail(const char *path, char *buf, size_t n)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		size_t l = strlen(line);
		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			line[--l] = '\0';
		if (l) {
			if (l >= n)
				l = n - 1;
			memcpy(buf, line, l);
			buf[l] = '\0';
		}
	}
	fclose(f);
}

static bool child_gone(pid_t pid);

/* A dnsmasq left behind by an earlier jdmd (killed without cleanup) that
 * used our pid file: stop it, or it keeps the DHCP port. Only a process
 * whose command line names our pid file is touched. */
static void kill_stale(struct jdm_intnet *in)
{
	pid_t old = read_pid(in->p_pid);
	if (old <= 0 || old == in->pid)
		return;
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)old);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	char cmd[4096];
	size_t len = fread(cmd, 1, sizeof cmd - 1, f);
	fclose(f);
	cmd[len] = '\0';
	char *want = jdm_xasprintf("--pid-file=%s", in->p_pid);
	bool ours = false;
	bool is_dnsmasq = strstr(cmd, "dnsmasq") != NULL;
	for (size_t off = 0; off < len; off += strlen(cmd + off) + 1)
		if (!strcmp(cmd + off, want))
			ours = true;
	free(want);
	if (!ours || !is_dnsmasq)
		return;
	kill(old, SIGTERM);
	for (int i = 0; i < 100 && !child_gone(old); i++)
		usleep(20000);
	if (!child_gone(old)) {
		kill(old, SIGKILL);
		for (int i = 0; i < 100 && !child_gone(old); i++)
			usleep(10000);
	}
}

/* Has our child PID exited? Reaps it if so. When the daemon ignores
 * SIGCHLD (children are reaped by the kernel, waitpid says ECHILD) or
 * someone else reaped it, ask the kernel whether PID still exists. */
static bool child_gone(pid_t pid)
{
	pid_t r = waitpid(pid, NULL, WNOHANG);
	if (r == pid)
		return true;
	if (r == 0)
		return false;
	if (errno == ECHILD)
		return kill(pid, 0) < 0 && errno == ESRCH;
	return false;
}

static void stop_dnsmasq(struct jdm_intnet *in)
{
	if (in->pid <= 0)
		return;
	kill(in->pid, SIGTERM);
	for (int i = 0; i < 100 && !child_gone(in->pid); i++)
		usleep(20000);
	if (!child_gone(in->pid)) {
		kill(in->pid, SIGKILL);
		while (waitpid(in->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	in->pid = 0;
	unlink(in->p_pid);
}

static void free_args(char *a, char *b, char *c, char *d, char *e, char *f, char *g)
{
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
	free(f);
	free(g);
}

/* Start dnsmasq and wait until it is ready. 0 or -1. */
static int start_dnsmasq(struct jdm_intnet *in)
{
	kill_stale(in);
	unlink(in->p_pid);
	/* The host list may be new: (re)write it so dnsmasq reads it. */
	if (write_host_files(in, in->hosts, in->n_hosts) < 0)
		return -1;
	char *a_range = jdm_xasprintf("--dhcp-range=%s,static,255.255.255.0", JDM_INTNET_FIRST_IP);
	char *a_dhcp = jdm_xasprintf("--dhcp-hostsfile=%s", in->p_dhcp);
	char *a_hosts = jdm_xasprintf("--addn-hosts=%s", in->p_hosts);
	char *a_leases = jdm_xasprintf("--dhcp-leasefile=%s", in->p_leases);
	char *a_pid = jdm_xasprintf("--pid-file=%s", in->p_pid);
	char *a_log = jdm_xasprintf("--log-facility=%s", in->p_log);
	char *a_port = jdm_xasprintf("--port=%d", in->dns_port);
	const char *argv[] = {
		JDM_INTNET_DNSMASQ,
		"--keep-in-foreground",
		"--conf-file=/dev/null",
		"--no-hosts",   /* names come from our hosts file only */
		"--no-resolv",  /* no upstream: only the VNF names are served */
		"--interface=" JDM_INTNET_BRIDGE,
		"--bind-interfaces",
		"--except-interface=lo",
		a_range,       /* static: only hosts from dhcp-hosts get an address */
		"--dhcp-authoritative",
		"--dhcp-option=3", /* no router: eth0 is not the VNF's way out */
		a_dhcp, a_hosts, a_leases, a_pid, a_log, a_port,
		/* Stay root: the state directory may be closed to "nobody", and
		 * dnsmasq rereads the host files on SIGHUP. */
		"--user=root",
		NULL,
	};
	pid_t pid = jdm_proc_spawn(argv, in->p_log);
	if (pid < 0) {
		free_args(a_range, a_dhcp, a_hosts, a_leases, a_pid, a_log, a_port);
		return -1;
	}
	free_args(a_range, a_dhcp, a_hosts, a_leases, a_pid, a_log, a_port);
	in->pid = pid;
	clock_gettime(CLOCK_MONOTONIC, &in->last_start);
	/* Ready when its pid file names it (written after its signal handlers
	 * are installed and its sockets are bound); failed when it exits. */
	double deadline = mono_now() + 5.0;
	while (mono_now() < deadline) {
		int st = 0;
		pid_t r = waitpid(pid, &st, WNOHANG);
		bool gone = r == pid;
		if (r < 0 && errno == ECHILD) { /* SIGCHLD ignored: no status */
			gone = kill(pid, 0) < 0 && errno == ESRCH;
			st = 0xff00; /* "exit status 255" */
		}
		if (gone) {
			in->pid = 0;
			char tail[256];
			log_tail(in->p_log, tail, sizeof tail);
			return cfg_err_set("dnsmasq exited at start (status %d)%s%s",
			                   WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
			                   *tail ? ": " : "", tail);
		}
		if (read_pid(in->p_pid) == pid)
			return 0;
		usleep(10000);
	}
	stop_dnsmasq(in);
	return cfg_err_set("dnsmasq did not become ready within 5 s");
}

int jdm_intnet_up(struct jdm_intnet *in)
{
	if (!in)
		return cfg_err_set("intnet: no handle");
	if (jdm_net_bridge_add(JDM_INTNET_BRIDGE) < 0)
		return -1;
	const char *addr[] = {JDM_INTNET_HOST_IP "/24"};
	int rc = jdm_net_set_addrs(JDM_INTNET_BRIDGE, addr, 1);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return cfg_err_set("%s vanished after creation", JDM_INTNET_BRIDGE);
	if (jdm_net_bridge_add(JDM_INTNET_MGMT_BRIDGE) < 0)
		return -1;
	in->want = true;
	if (in->pid > 0) {
		if (!child_gone(in->pid))
			return 0; /* running */
		in->pid = 0;
	}
	return start_dnsmasq(in);
}

int jdm_intnet_down(struct jdm_intnet *in)
{
	if (in) {
		in->want = false;
		stop_dnsmasq(in);
	}
	int rc = 0;
	if (jdm_net_link_del(JDM_INTNET_BRIDGE) < 0)
		rc = -1;
	if (jdm_net_link_del(JDM_INTNET_MGMT_BRIDGE) < 0)
		rc = -1;
	return rc;
}

int jdm_intnet_reap(struct jdm_intnet *in)
{
	if (!in)
		return 0;
	if (in->pid > 0) {
		if (!child_gone(in->pid))
			return 0;
		in->pid = 0;
	}
	if (!in->want)
		return 0;
	double started = (double)in->last_start.tv_sec + (double)in->last_start.tv_nsec / 1e9;
	if (mono_now() - started < 1.0)
		return 0; /* died right after a start: retry later */
	if (start_dnsmasq(in) < 0)
		return -1;
	return 1;
}

void jdm_intnet_free(struct jdm_intnet *in)
{
	if (!in)
		return;
	stop_dnsmasq(in);
	free(in->dir);
	free(in->p_dhcp);
	free(in->p_hosts);
	free(in->p_leases);
	free(in->p_pid);
	free(in->p_log);
	free(in->hosts);
	free(in);
}

/* --- show system visibility network -------------------------------------- */

static const char *dash(const char *s)
{
	return s && *s ? s : "-";
}

static void put_mac(struct cfg_buf *out, const char *mac, bool upper)
{
	for (const char *p = dash(mac); *p; p++)
		cfg_buf_putc(out, (char)(upper ? toupper((unsigned char)*p) : tolower((unsigned char)*p)));
}

static void put_dashes(struct cfg_buf *out, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		cfg_buf_putc(out, '-');
}

void jdm_intnet_render_visibility(struct cfg_buf *out, const struct jdm_intnet_vnf *vnfs, size_t n)
{
	/* Widths measured from the thesis, Figure 25. */
	cfg_buf_puts(out, "\nVNF MAC Addresses\n");
	put_dashes(out, 59);
	cfg_buf_printf(out, "\n%-41s %s\n", "VNF", "MAC");
	put_dashes(out, 41);
	cfg_buf_putc(out, ' ');
	put_dashes(out, 17);
	cfg_buf_putc(out, '\n');
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < vnfs[i].n_ifs; j++) {
			char label[128];
			snprintf(label, sizeof label, "%s_ethdef%zu", dash(vnfs[i].name), j);
			cfg_buf_printf(out, "%-41s ", label);
			put_mac(out, vnfs[i].ifs[j].mac, true);
			cfg_buf_putc(out, '\n');
		}

	cfg_buf_puts(out, "\nVNF Internal IP Addresses\n");
	put_dashes(out, 57);
	cfg_buf_printf(out, "\n%-41s %s\n", "VNF", "IP");
	put_dashes(out, 41);
	cfg_buf_putc(out, ' ');
	put_dashes(out, 15);
	cfg_buf_putc(out, '\n');
	for (size_t i = 0; i < n; i++)
		if (vnfs[i].ip && *vnfs[i].ip)
			cfg_buf_printf(out, "%-41s %s\n", dash(vnfs[i].name), vnfs[i].ip);

	cfg_buf_puts(out, "\nVNF Interfaces\n");
	put_dashes(out, 82);
	cfg_buf_printf(out, "\n%-20s %-9s %-9s %-12s %-10s %s\n", "VNF", "Interface", "Type", "Source",
	               "Model", "MAC");
	static const unsigned w[] = {20, 9, 9, 12, 10, 17};
	for (size_t k = 0; k < sizeof w / sizeof w[0]; k++) {
		if (k)
			cfg_buf_putc(out, ' ');
		put_dashes(out, w[k]);
	}
	cfg_buf_putc(out, '\n');
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < vnfs[i].n_ifs; j++) {
			const struct jdm_intnet_if *f = &vnfs[i].ifs[j];
			cfg_buf_printf(out, "%-20s %-9s %-9s %-12s %-10s ", dash(vnfs[i].name), dash(f->dev),
			               dash(f->type), dash(f->source), dash(f->model));
			put_mac(out, f->mac, false);
			cfg_buf_putc(out, '\n');
		}
}
