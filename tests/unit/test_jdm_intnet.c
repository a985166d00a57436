/* Unit tests of jdm_intnet (internal network, dnsmasq, visibility output)
 * together with jdm_live.
 *
 * The renderer, the address picker and the host files are tested in
 * place. Everything that touches links or sends a packet runs inside
 * network namespaces made for this test: main() (as root) creates
 * "nfx-ut-<pid>" (the appliance) and "nfx-ut-<pid>-vnf" (a VNF's eth0),
 * re-executes this program in the first under `ip netns exec`, waits for
 * it and deletes both afterwards, also when the tests fail, crash or are
 * interrupted (processes left in them, i.e. our dnsmasq or udhcpc, are
 * killed by PID first). Without root those tests are skipped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_common.h"

#include "cfg_buf.h"
#include "jdm_intnet.h"
#include "jdm_live.h"
#include "jdm_net.h"

#include "test_netns.h"

/* --- helpers --------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	struct cfg_buf b;
	cfg_buf_init(&b);
	char tmp[4096];
	size_t n;
	cfg_buf_puts(&b, "");
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		cfg_buf_add(&b, tmp, n);
	fclose(f);
	return cfg_buf_steal(&b);
}

/* A fresh state directory; free() it, rm_rf() removes it. */
static char *mk_state_dir(void)
{
	const char *base = getenv(UT_TMP_ENV);
	char *d = NULL;
	assert_true(asprintf(&d, "%s/nfx-ut-intnet-XXXXXX", base ? base : "/tmp") > 0);
	assert_non_null(mkdtemp(d));
	return d;
}

static void rm_rf(const char *dir)
{
	const char *argv[] = {"/bin/rm", "-rf", dir, NULL};
	ut_run(argv, NULL, 0);
}

/* `ip ARGS...` (NULL-terminated); its exit status. */
static int ipcmd(const char *a0, ...)
{
	const char *argv[32];
	int k = 0;
	argv[k++] = ut_ip();
	va_list ap;
	va_start(ap, a0);
	for (const char *s = a0; s && k < 31; s = va_arg(ap, const char *))
		argv[k++] = s;
	va_end(ap);
	argv[k] = NULL;
	return ut_run(argv, NULL, 0);
}

/* --- show system visibility network: the thesis, Figure 25 -------------- */

static const char fig25_mac_ip[] =
	"\n"
	"VNF MAC Addresses\n"
	"-----------------------------------------------------------\n"
	"VNF                                       MAC\n"
	"----------------------------------------- -----------------\n"
	"vsrx_ethdef0                              30:B6:4F:2D:F1:0E\n"
	"vsrx_ethdef1                              30:B6:4F:2D:F1:0F\n"
	"vrtr1_ethdef0                             30:B6:4F:2D:F1:15\n"
	"vrtr1_ethdef1                             30:B6:4F:2D:F1:10\n"
	"vrtr2_ethdef0                             30:B6:4F:2D:F1:11\n"
	"vrtr2_ethdef1                             30:B6:4F:2D:F1:12\n"
	"localserver_ethdef0                       30:B6:4F:2D:F1:13\n"
	"localserver_ethdef1                       30:B6:4F:2D:F1:14\n"
	"\n"
	"VNF Internal IP Addresses\n"
	"---------------------------------------------------------\n"
	"VNF                                       IP\n"
	"----------------------------------------- ---------------\n"
	"vsrx                                      192.168.1.100\n"
	"vrtr1                                     192.168.1.101\n"
	"vrtr2                                     192.168.1.102\n"
	"localserver                               192.168.1.103\n"
	"\n";

/* The PDF wraps these at 74 columns; the dashed lines and rows are one
 * line each (82 columns). */
static const char fig25_ifs[] =
	"VNF Interfaces\n"
	"----------------------------------------------------------------------------------\n"
	"VNF                  Interface Type      Source       Model      MAC\n"
	"-------------------- --------- --------- ------------ ---------- -----------------\n"
	"localserver          vnet11    network   default      virtio     30:b6:4f:2d:f1:13\n"
	"localserver          vnet12    bridge    eth0br       virtio     30:b6:4f:2d:f1:14\n"
	"vrtr2                vnet9     network   default      virtio     30:b6:4f:2d:f1:11\n"
	"vrtr2                vnet10    bridge    eth0br       virtio     30:b6:4f:2d:f1:12\n"
	"vrtr1                vnet6     network   default      virtio     30:b6:4f:2d:f1:15\n"
	"vrtr1                vnet7     bridge    eth0br       virtio     30:b6:4f:2d:f1:10\n"
	"vsrx                 vnet3     network   default      virtio     30:b6:4f:2d:f1:0e\n"
	"vsrx                 vnet5     bridge    eth0br       virtio     30:b6:4f:2d:f1:0f\n";

static const struct jdm_intnet_if if_vsrx[] = {
	{"vnet3", "network", "default", "virtio", "30:b6:4f:2d:f1:0e"},
	{"vnet5", "bridge", "eth0br", "virtio", "30:b6:4f:2d:f1:0f"},
};
static const struct jdm_intnet_if if_vrtr1[] = {
	{"vnet6", "network", "default", "virtio", "30:b6:4f:2d:f1:15"},
	{"vnet7", "bridge", "eth0br", "virtio", "30:b6:4f:2d:f1:10"},
};
static const struct jdm_intnet_if if_vrtr2[] = {
	{"vnet9", "network", "default", "virtio", "30:B6:4F:2D:F1:11"}, /* case is the renderer's job */
	{"vnet10", "bridge", "eth0br", "virtio", "30:b6:4f:2d:f1:12"},
};
static const struct jdm_intnet_if if_local[] = {
	{"vnet11", "network", "default", "virtio", "30:b6:4f:2d:f1:13"},
	{"vnet12", "bridge", "eth0br", "virtio", "30:b6:4f:2d:f1:14"},
};

/* The figure's first command lists VNFs by address, the second (libvirt's
 * domain order) the other way round: the renderer keeps the given order,
 * so each half is compared with the order of its command. */
static void test_render_figure25(void **state)
{
	(void)state;
	const struct jdm_intnet_vnf fwd[] = {
		{"vsrx", "192.168.1.100", if_vsrx, 2},
		{"vrtr1", "192.168.1.101", if_vrtr1, 2},
		{"vrtr2", "192.168.1.102", if_vrtr2, 2},
		{"localserver", "192.168.1.103", if_local, 2},
	};
	const struct jdm_intnet_vnf rev[] = {fwd[3], fwd[2], fwd[1], fwd[0]};
	struct cfg_buf b;
	cfg_buf_init(&b);
	jdm_intnet_render_visibility(&b, fwd, 4);
	assert_non_null(b.p);
	assert_true(b.len > strlen(fig25_mac_ip));
	assert_memory_equal(b.p, fig25_mac_ip, strlen(fig25_mac_ip));
	/* then the interfaces section, in the order given */
	const char *ifs = b.p + strlen(fig25_mac_ip);
	assert_true(!strncmp(ifs, fig25_ifs, strlen("VNF Interfaces\n")));
	cfg_buf_reset(&b);
	jdm_intnet_render_visibility(&b, rev, 4);
	const char *sec = strstr(b.p, "VNF Interfaces\n");
	assert_non_null(sec);
	assert_string_equal(sec, fig25_ifs);
	/* each line of the figure has the exact width */
	cfg_buf_reset(&b);
	jdm_intnet_render_visibility(&b, fwd, 4);
	char *full = cfg_buf_steal(&b);
	struct cfg_buf want;
	cfg_buf_init(&want);
	cfg_buf_puts(&want, fig25_mac_ip);
	cfg_buf_puts(&want, "VNF Interfaces\n"
	                    "----------------------------------------------------------------------------------\n"
	                    "VNF                  Interface Type      Source       Model      MAC\n"
	                    "-------------------- --------- --------- ------------ ---------- -----------------\n"
	                    "vsrx                 vnet3     network   default      virtio     30:b6:4f:2d:f1:0e\n"
	                    "vsrx                 vnet5     bridge    eth0br       virtio     30:b6:4f:2d:f1:0f\n"
	                    "vrtr1                vnet6     network   default      virtio     30:b6:4f:2d:f1:15\n"
	                    "vrtr1                vnet7     bridge    eth0br       virtio     30:b6:4f:2d:f1:10\n"
	                    "vrtr2                vnet9     network   default      virtio     30:b6:4f:2d:f1:11\n"
	                    "vrtr2                vnet10    bridge    eth0br       virtio     30:b6:4f:2d:f1:12\n"
	                    "localserver          vnet11    network   default      virtio     30:b6:4f:2d:f1:13\n"
	                    "localserver          vnet12    bridge    eth0br       virtio     30:b6:4f:2d:f1:14\n");
	assert_string_equal(full, want.p);
	free(full);
	cfg_buf_free(&want);
	cfg_buf_free(&b);
}

/* No VNFs: only the headers. Missing fields print "-"; a VNF without an
 * address has no IP row; a long name pushes the MAC right. */
static void test_render_edge(void **state)
{
	(void)state;
	struct cfg_buf b;
	cfg_buf_init(&b);
	jdm_intnet_render_visibility(&b, NULL, 0);
	assert_string_equal(b.p,
	                    "\n"
	                    "VNF MAC Addresses\n"
	                    "-----------------------------------------------------------\n"
	                    "VNF                                       MAC\n"
	                    "----------------------------------------- -----------------\n"
	                    "\n"
	                    "VNF Internal IP Addresses\n"
	                    "---------------------------------------------------------\n"
	                    "VNF                                       IP\n"
	                    "----------------------------------------- ---------------\n"
	                    "\n"
	                    "VNF Interfaces\n"
	                    "----------------------------------------------------------------------------------\n"
	                    "VNF                  Interface Type      Source       Model      MAC\n"
	                    "-------------------- --------- --------- ------------ ---------- -----------------\n");
	cfg_buf_reset(&b);
	const struct jdm_intnet_if ifs[] = {{NULL, "bridge", "virbr0", "virtio", NULL}};
	const struct jdm_intnet_vnf v[] = {
		{"a-very-long-vnf-name-that-goes-beyond-41-columns", NULL, ifs, 1}};
	jdm_intnet_render_visibility(&b, v, 1);
	assert_non_null(strstr(b.p, "\na-very-long-vnf-name-that-goes-beyond-41-columns_ethdef0 -\n"));
	assert_non_null(strstr(b.p, "IP\n----------------------------------------- ---------------\n\n"));
	assert_non_null(strstr(b.p, "\na-very-long-vnf-name-that-goes-beyond-41-columns -         bridge    "
	                            "virbr0       virtio     -\n"));
	cfg_buf_free(&b);
}

/* --- address plan ------------------------------------------------------------ */

static void test_pick_ip(void **state)
{
	(void)state;
	char ip[16];
	assert_int_equal(jdm_intnet_pick_ip(NULL, 0, ip), 0);
	assert_string_equal(ip, "192.168.1.100");
	const char *used1[] = {"192.168.1.100", "192.168.1.101", NULL, "garbage", "10.0.0.102",
	                       "192.168.1.103"};
	assert_int_equal(jdm_intnet_pick_ip(used1, 6, ip), 0);
	assert_string_equal(ip, "192.168.1.102");
	const char *used2[] = {"192.168.1.254", "192.168.1.99", "192.168.1.200"};
	assert_int_equal(jdm_intnet_pick_ip(used2, 3, ip), 0);
	assert_string_equal(ip, "192.168.1.100");
	/* all 100 taken */
	char all[100][16];
	const char *p[100];
	for (unsigned i = 0; i < 100; i++) {
		snprintf(all[i], sizeof all[i], "192.168.1.%u", (100 + i) & 0xff);
		p[i] = all[i];
	}
	assert_int_equal(jdm_intnet_pick_ip(p, 100, ip), -1);
	assert_non_null(strstr(cfg_err_msg(), "no free internal address"));
	p[57] = "192.168.1.0"; /* .157 free again */
	assert_int_equal(jdm_intnet_pick_ip(p, 100, ip), 0);
	assert_string_equal(ip, "192.168.1.157");
}

/* --- host files (no dnsmasq running) ---------------------------------------- */

static void test_host_files(void **state)
{
	(void)state;
	char *dir = mk_state_dir();
	struct jdm_intnet *in = jdm_intnet_new(dir);
	assert_non_null(in);
	assert_int_equal(jdm_intnet_dnsmasq_pid(in), 0);
	const struct jdm_intnet_host h[] = {
		{"vsrx", "30:B6:4F:2D:F1:0E", "192.168.1.100"},
		{"vrtr1", "30:b6:4f:2d:f1:15", "192.168.1.101"},
	};
	assert_int_equal(jdm_intnet_set_hosts(in, h, 2), 0);
	char *dh = slurp(jdm_intnet_path(in, "dhcp-hosts"));
	char *hs = slurp(jdm_intnet_path(in, "hosts"));
	assert_non_null(dh);
	assert_non_null(hs);
	assert_string_equal(dh, "30:b6:4f:2d:f1:0e,192.168.1.100,vsrx\n"
	                        "30:b6:4f:2d:f1:15,192.168.1.101,vrtr1\n");
	assert_string_equal(hs, "192.168.1.100 vsrx\n"
	                        "192.168.1.101 vrtr1\n");
	free(dh);
	free(hs);
	/* bad input changes nothing */
	const struct jdm_intnet_host bad[][2] = {
		{{"vsrx", "30:b6:4f:2d:f1:0e", "192.168.1.100"}, {"vsrx", "30:b6:4f:2d:f1:01", "192.168.1.101"}},
		{{"vsrx", "30:b6:4f:2d:f1:0e", "192.168.1.100"}, {"b", "30:b6:4f:2d:f1:0e", "192.168.1.101"}},
		{{"vsrx", "30:b6:4f:2d:f1:0e", "192.168.1.100"}, {"b", "30:b6:4f:2d:f1:01", "192.168.1.100"}},
		{{"vs,rx", "30:b6:4f:2d:f1:0e", "192.168.1.100"}, {"b", "30:b6:4f:2d:f1:01", "192.168.1.101"}},
		{{"vsrx\nx", "30:b6:4f:2d:f1:0e", "192.168.1.100"}, {"b", "30:b6:4f:2d:f1:01", "192.168.1.101"}},
		{{"vsrx", "30:b6:4f:2d:f1:0", "192.168.1.100"}, {"b", "30:b6:4f:2d:f1:01", "192.168.1.101"}},
		{{"vsrx", "30-b6-4f-2d-f1-0e", "192.168.1.100"}, {"b", "30:b6:4f:2d:f1:01", "192.168.1.101"}},
		{{"vsrx", "30:b6:4f:2d:f1:0e", "192.168.2.100"}, {"b", "30:b6:4f:2d:f1:01", "192.168.1.101"}},
		{{"vsrx", "30:b6:4f:2d:f1:0e", "192.168.1.254"}, {"b", "30:b6:4f:2d:f1:01", "192.168.1.101"}},
		{{"vsrx", "30:b6:4f:2d:f1:0e", NULL}, {"b", "30:b6:4f:2d:f1:01", "192.168.1.101"}},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cfg_err_clear();
		assert_int_equal(jdm_intnet_set_hosts(in, bad[i], 2), -1);
		assert_true(strlen(cfg_err_msg()) > 0);
	}
	hs = slurp(jdm_intnet_path(in, "hosts"));
	assert_string_equal(hs, "192.168.1.100 vsrx\n192.168.1.101 vrtr1\n");
	free(hs);
	/* empty list: empty files */
	assert_int_equal(jdm_intnet_set_hosts(in, NULL, 0), 0);
	dh = slurp(jdm_intnet_path(in, "dhcp-hosts"));
	assert_string_equal(dh, "");
	free(dh);
	assert_null(jdm_intnet_path(in, "nope"));
	assert_int_equal(jdm_intnet_reap(in), 0); /* not meant to run */
	jdm_intnet_free(in);
	jdm_intnet_free(NULL);
	/* a state directory that does not exist */
	char *missing = NULL;
	assert_true(asprintf(&missing, "%s/no/such", dir) > 0);
	assert_null(jdm_intnet_new(missing));
	free(missing);
	rm_rf(dir);
	free(dir);
}

/* --- inside the namespaces ---------------------------------------------------- */

struct fixture {
	char *dir;
	struct jdm_intnet *in;
	struct jdm_live *live;
};

static int ns_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	*state = f;
	if (!ut_ns[0])
		return 0;
	if (jdm_net_link_up("lo") != 0)
		return -1;
	return 0;
}

static int ns_teardown(void **state)
{
	struct fixture *f = *state;
	jdm_live_free(f->live);
	if (f->in)
		jdm_intnet_down(f->in);
	jdm_intnet_free(f->in);
	if (ut_ns[0]) {
		jdm_net_link_del("vnf1-t");
		jdm_net_link_del(JDM_INTNET_BRIDGE);
		jdm_net_link_del(JDM_INTNET_MGMT_BRIDGE);
	}
	if (f->dir) {
		rm_rf(f->dir);
		free(f->dir);
	}
	free(f);
	return 0;
}

static bool proc_alive(pid_t pid)
{
	return pid > 0 && kill(pid, 0) == 0;
}

/* up: both bridges, the address, dnsmasq; again: nothing changes; a
 * non-bridge virbr0 is refused. */
static void test_up_down(void **state)
{
	struct fixture *f = *state;
	NEED_NETNS();
	f->dir = mk_state_dir();
	f->in = jdm_intnet_new(f->dir);
	assert_non_null(f->in);
	if (jdm_intnet_up(f->in) != 0)
		fail_msg("up: %s", cfg_err_msg());
	char kind[32], addr[32];
	assert_int_equal(jdm_net_link_kind("virbr0", kind, sizeof kind), 0);
	assert_string_equal(kind, "bridge");
	assert_int_equal(jdm_net_link_kind("eth0br", kind, sizeof kind), 0);
	assert_string_equal(kind, "bridge");
	assert_int_equal(jdm_net_first_addr("virbr0", addr, sizeof addr), 0);
	assert_string_equal(addr, "192.168.1.254");
	assert_int_equal(jdm_net_first_addr("eth0br", addr, sizeof addr), -1);
	pid_t pid = jdm_intnet_dnsmasq_pid(f->in);
	assert_true(proc_alive(pid));
	char *log = slurp(jdm_intnet_path(f->in, "dnsmasq.log"));
	assert_non_null(log);
	assert_non_null(strstr(log, "static leases only on 192.168.1.100"));
	free(log);
	/* idempotent */
	assert_int_equal(jdm_intnet_up(f->in), 0);
	assert_int_equal(jdm_intnet_dnsmasq_pid(f->in), pid);
	assert_int_equal(jdm_intnet_reap(f->in), 0);
	/* a second handle (a restarted jdmd): the bridges are there already,
	 * and the dnsmasq of the first handle is stale: it is replaced */
	struct jdm_intnet *in2 = jdm_intnet_new(f->dir);
	assert_non_null(in2);
	if (jdm_intnet_up(in2) != 0)
		fail_msg("up again: %s", cfg_err_msg());
	pid_t pid2 = jdm_intnet_dnsmasq_pid(in2);
	assert_true(proc_alive(pid2));
	assert_true(pid2 != pid);
	jdm_intnet_free(in2); /* stops its dnsmasq; bridges stay */
	assert_false(proc_alive(pid2));
	assert_true(if_nametoindex("virbr0") > 0);
	assert_true(if_nametoindex("eth0br") > 0);
	/* down */
	assert_int_equal(jdm_intnet_down(f->in), 0);
	assert_int_equal(jdm_intnet_dnsmasq_pid(f->in), 0);
	assert_false(proc_alive(pid));
	assert_int_equal(if_nametoindex("virbr0"), 0);
	assert_int_equal(if_nametoindex("eth0br"), 0);
	assert_int_equal(jdm_intnet_down(f->in), 0); /* again: fine */
	assert_int_equal(jdm_intnet_reap(f->in), 0); /* not meant to run */
	/* virbr0 that is not a bridge */
	assert_int_equal(ipcmd("link", "add", "virbr0", "type", "veth", "peer", "name", "ut-peer", NULL), 0);
	assert_int_equal(jdm_intnet_up(f->in), -1);
	assert_non_null(strstr(cfg_err_msg(), "not a bridge"));
	assert_int_equal(jdm_net_link_del("virbr0"), 0);
	assert_int_equal(jdm_net_link_del("virbr0"), 1);
}

/* The full path: a VNF (veth end in the second namespace, MAC from the
 * host list) gets 192.168.1.101 from dnsmasq, answers pings, and is
 * reported down once its interface is gone. dnsmasq is restarted by the
 * reaper when it dies. */
static void test_vnf_dhcp_live(void **state)
{
	struct fixture *f = *state;
	NEED_NETNS();
	assert_true(ut_ns_vnf[0]);
	f->dir = mk_state_dir();
	f->in = jdm_intnet_new(f->dir);
	assert_non_null(f->in);
	if (jdm_intnet_up(f->in) != 0)
		fail_msg("up: %s", cfg_err_msg());
	pid_t pid = jdm_intnet_dnsmasq_pid(f->in);
	/* the host list arrives after start: dnsmasq must reread it (SIGHUP) */
	const struct jdm_intnet_host h[] = {
		{"vsrx", "52:54:00:aa:00:00", "192.168.1.100"},
		{"vnf1", "52:54:00:AA:00:01", "192.168.1.101"},
	};
	assert_int_equal(jdm_intnet_set_hosts(f->in, h, 2), 0);
	assert_int_equal(jdm_intnet_dnsmasq_pid(f->in), pid);

	/* the VNF: vnf1-t in virbr0 here, its peer "eth0" in the VNF namespace */
	assert_int_equal(ipcmd("link", "add", "vnf1-t", "type", "veth", "peer", "name", "eth0", "address",
	                       "52:54:00:aa:00:01", "netns", ut_ns_vnf, NULL),
	                 0);
	assert_int_equal(jdm_net_link_set_master("vnf1-t", "virbr0"), 0);
	char master[32];
	assert_int_equal(jdm_net_link_master("vnf1-t", master, sizeof master), 0);
	assert_string_equal(master, "virbr0");
	assert_int_equal(jdm_net_link_up("vnf1-t"), 0);
	assert_int_equal(ipcmd("-n", ut_ns_vnf, "link", "set", "lo", "up", NULL), 0);
	assert_int_equal(ipcmd("-n", ut_ns_vnf, "link", "set", "eth0", "up", NULL), 0);
	assert_true(proc_alive(pid)); /* survived the SIGHUP */

	/* DHCP with busybox udhcpc in the VNF namespace; its script sets the
	 * address it got */
	char script[512];
	snprintf(script, sizeof script, "%s/udhcpc.sh", f->dir);
	FILE *sf = fopen(script, "w");
	assert_non_null(sf);
	fprintf(sf, "#!/bin/sh\n"
	            "case \"$1\" in bound|renew) exec %s addr replace \"$ip/${mask:-24}\" dev \"$interface\";; "
	            "esac\nexit 0\n",
	            ut_ip());
	fclose(sf);
	chmod(script, 0755);
	const char *busybox = access("/bin/busybox", X_OK) == 0 ? "/bin/busybox" : NULL;
	if (busybox) {
		const char *argv[] = {ut_ip(), "netns", "exec", ut_ns_vnf, busybox, "udhcpc", "-i", "eth0",
		                      "-f", "-q", "-n", "-t", "8", "-T", "1", "-s", script, NULL};
		int rc = ut_run(argv, NULL, 0);
		if (rc != 0) {
			char *log = slurp(jdm_intnet_path(f->in, "dnsmasq.log"));
			fail_msg("udhcpc failed (%d); dnsmasq log:\n%s", rc, log ? log : "");
		}
		char *leases = slurp(jdm_intnet_path(f->in, "leases"));
		assert_non_null(leases);
		assert_non_null(strstr(leases, "52:54:00:aa:00:01 192.168.1.101 vnf1"));
		free(leases);
		/* vnf1 leaves and vnf2 gets its address: vnf1's lease must go, or
		   dnsmasq refuses 192.168.1.101 to vnf2 ("leased to" vnf1's MAC) */
		const struct jdm_intnet_host h2[] = {
			{"vsrx", "52:54:00:aa:00:00", "192.168.1.100"},
			{"vnf2", "52:54:00:aa:00:02", "192.168.1.101"},
		};
		assert_int_equal(jdm_intnet_set_hosts(f->in, h2, 2), 0);
		leases = slurp(jdm_intnet_path(f->in, "leases"));
		assert_true(!leases || !strstr(leases, "52:54:00:aa:00:01"));
		free(leases);
		assert_true(proc_alive(jdm_intnet_dnsmasq_pid(f->in)));
		/* back to vnf1 for the liveliness part below */
		assert_int_equal(jdm_intnet_set_hosts(f->in, h, 2), 0);
	} else {
		print_message("# no busybox: static address instead of DHCP\n");
		assert_int_equal(ipcmd("-n", ut_ns_vnf, "addr", "add", "192.168.1.101/24", "dev", "eth0", NULL), 0);
	}

	/* liveliness: alive, then down once eth0 is gone */
	f->live = jdm_live_new();
	assert_non_null(f->live);
	jdm_live_set_periods(f->live, 1, 1); /* down after at most 3 s */
	const struct jdm_live_target t[] = {{"vnf1", "192.168.1.101"}, {"vsrx", "192.168.1.100"}};
	assert_int_equal(jdm_live_set_targets(f->live, t, 2), 0);
	double t0 = now_s();
	while (jdm_live_state(f->live, "vnf1") != 1 && now_s() - t0 < 10) {
		jdm_live_tick(f->live, time(NULL));
		struct pollfd p = {.fd = jdm_live_fd(f->live), .events = POLLIN};
		if (poll(&p, 1, 100) > 0)
			jdm_live_input(f->live);
	}
	assert_int_equal(jdm_live_state(f->live, "vnf1"), 1);
	assert_int_equal(jdm_live_state(f->live, "vsrx"), 0); /* not there */

	assert_int_equal(ipcmd("-n", ut_ns_vnf, "link", "del", "eth0", NULL), 0);
	assert_int_equal(if_nametoindex("vnf1-t"), 0); /* the pair is gone */
	t0 = now_s();
	while (jdm_live_state(f->live, "vnf1") != 0 && now_s() - t0 < 10) {
		jdm_live_tick(f->live, time(NULL));
		struct pollfd p = {.fd = jdm_live_fd(f->live), .events = POLLIN};
		if (poll(&p, 1, 100) > 0)
			jdm_live_input(f->live);
	}
	double took = now_s() - t0;
	assert_int_equal(jdm_live_state(f->live, "vnf1"), 0);
	/* 3 alive periods, plus one second of clock granularity */
	if (took > 4.5)
		fail_msg("down after %.1f s, more than 3 periods", took);

	/* the reaper restarts a dead dnsmasq */
	pid = jdm_intnet_dnsmasq_pid(f->in);
	assert_true(proc_alive(pid));
	kill(pid, SIGKILL);
	int r = 0;
	t0 = now_s();
	while ((r = jdm_intnet_reap(f->in)) == 0 && now_s() - t0 < 5)
		usleep(50000);
	if (r != 1)
		fail_msg("reap: %d %s", r, cfg_err_msg());
	pid_t npid = jdm_intnet_dnsmasq_pid(f->in);
	assert_true(npid != pid);
	assert_true(proc_alive(npid));
	assert_int_equal(jdm_intnet_reap(f->in), 0);
	/* it serves the same host list */
	char *dh = slurp(jdm_intnet_path(f->in, "dhcp-hosts"));
	assert_non_null(strstr(dh, "52:54:00:aa:00:01,192.168.1.101,vnf1\n"));
	free(dh);
}

/* Ask 192.168.1.254:PORT for the A record of NAME; 1 when the answer
 * holds IP, 0 when not, -1 when there was no answer. */
static int dns_lookup(int port, const char *name, const char *ip)
{
	unsigned char q[512], r[512];
	size_t len = 0;
	const unsigned char hdr[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
	memcpy(q, hdr, sizeof hdr);
	len = sizeof hdr;
	size_t nl = strlen(name);
	q[len++] = (unsigned char)nl;
	memcpy(q + len, name, nl);
	len += nl;
	q[len++] = 0;
	const unsigned char tail[] = {0, 1, 0, 1}; /* A, IN */
	memcpy(q + len, tail, sizeof tail);
	len += sizeof tail;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, JDM_INTNET_HOST_IP, &sa.sin_addr);
	int rc = -1;
	if (sendto(fd, q, len, 0, (struct sockaddr *)&sa, sizeof sa) == (ssize_t)len) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 1000) > 0) {
			ssize_t n = recv(fd, r, sizeof r, 0);
			if (n >= 12 && r[0] == 0x12 && r[1] == 0x34) {
				struct in_addr a;
				inet_pton(AF_INET, ip, &a);
				rc = (r[3] & 0x0f) == 0 && (r[6] << 8 | r[7]) >= 1 &&
				     memmem(r + len, (size_t)n - len, &a, 4) != NULL;
			}
		}
	}
	close(fd);
	return rc;
}

/* DNS on a port: names from the host list, reread on SIGHUP. A dnsmasq
 * that cannot start is reported with its own words. */
static void test_dns_names(void **state)
{
	struct fixture *f = *state;
	NEED_NETNS();
	f->dir = mk_state_dir();
	f->in = jdm_intnet_new(f->dir);
	assert_non_null(f->in);
	jdm_intnet_set_dns_port(f->in, 5353);
	const struct jdm_intnet_host h1[] = {{"vnf1", "52:54:00:aa:00:01", "192.168.1.101"}};
	assert_int_equal(jdm_intnet_set_hosts(f->in, h1, 1), 0);
	/* port taken: up fails, and says why */
	int busy = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons(5353)};
	assert_int_equal(bind(busy, (struct sockaddr *)&any, sizeof any), 0);
	assert_int_equal(jdm_intnet_up(f->in), -1);
	assert_non_null(strstr(cfg_err_msg(), "dnsmasq exited at start"));
	assert_non_null(strstr(cfg_err_msg(), "in use"));
	assert_int_equal(jdm_intnet_dnsmasq_pid(f->in), 0);
	close(busy);
	if (jdm_intnet_up(f->in) != 0)
		fail_msg("up: %s", cfg_err_msg());
	assert_int_equal(dns_lookup(5353, "vnf1", "192.168.1.101"), 1);
	/* new list: the names follow */
	pid_t pid = jdm_intnet_dnsmasq_pid(f->in);
	const struct jdm_intnet_host h2[] = {{"vnf2", "52:54:00:aa:00:02", "192.168.1.102"}};
	assert_int_equal(jdm_intnet_set_hosts(f->in, h2, 1), 0);
	int got = 0;
	for (int i = 0; i < 40 && got != 1; i++) {
		usleep(50000);
		got = dns_lookup(5353, "vnf2", "192.168.1.102");
	}
	assert_int_equal(got, 1);
	assert_int_equal(dns_lookup(5353, "vnf1", "192.168.1.101"), 0);
	/* vnf1 left: dnsmasq was restarted without its lease (adding hosts
	   only rereads the lists: see test_vnf_dhcp_live) */
	assert_int_not_equal(jdm_intnet_dnsmasq_pid(f->in), pid);
	assert_true(proc_alive(jdm_intnet_dnsmasq_pid(f->in)));
}

int main(int argc, char **argv)
{
	int rc = ut_enter_netns(argc, argv, true);
	if (rc >= 0)
		return rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_figure25),
		cmocka_unit_test(test_render_edge),
		cmocka_unit_test(test_pick_ip),
		cmocka_unit_test(test_host_files),
		cmocka_unit_test_setup_teardown(test_up_down, ns_setup, ns_teardown),
		cmocka_unit_test_setup_teardown(test_vnf_dhcp_live, ns_setup, ns_teardown),
		cmocka_unit_test_setup_teardown(test_dns_names, ns_setup, ns_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
