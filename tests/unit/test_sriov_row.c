/* jdm_sriov as jdmd's "sriov" row, on a fake sysfs tree and a platform file
 * made at test time: the commit check's admission errors (exact Junos
 * output under the interface's [edit] path), the VF budget of a whole
 * commit of several VNFs (fails as a whole, nothing taken), allocation and
 * freeing through apply, the same VF and MAC after a restart (a new row
 * converging from the store), undo, the hostdev interface of a real PF's VF
 * in a domain accepted by libvirt's test:///default driver, the show
 * replies against the ops-jdm.xml vocabulary, and a real PF that the kernel
 * refuses (a veth named as the PF, in a network namespace of the test's
 * own): the commit fails under the interface's path and nothing is kept. */
#include "test_common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_daemon.h"
#include "cfg_diff.h"
#include "cfg_load.h"
#include "cfg_reply.h"
#include "cfg_store.h"
#include "cfg_tree.h"
#include "jdm_domain.h"
#include "jdm_sriov.h"
#include "sriov_alloc.h"

#include "test_netns.h"
#include "test_sriov_fake.h"

struct fx {
	char dir[80];
	char sys[128], platform[160];
	struct cfg_daemon *d;
	struct jdm_sriov *s;
};

static const char *const PLATFORM =
	"ge-0/0/0 ge-0-0-0\n"
	"hsxe0 enp3s0f0           # a real PF: 4 VFs in the fake sysfs\n"
	"hsxe1 hsxe1 vfs 2 vf-mode emulated\n";

static void write_platform(struct fx *f, const char *text)
{
	putf(f->platform, text);
}

static void new_row(struct fx *f, bool realise)
{
	struct jdm_sriov_opts o = {.sysfs_root = f->sys, .platform = f->platform, .realise = realise};
	f->s = jdm_sriov_new(f->d, &o);
	assert_non_null(f->s);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	const char *base = getenv(UT_TMP_ENV);
	snprintf(f->dir, sizeof f->dir, "%s/nfx-test-sriovrow-XXXXXX", base ? base : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->sys, sizeof f->sys, "%s/sysroot", f->dir);
	snprintf(f->platform, sizeof f->platform, "%s/platform.conf", f->dir);
	fake_pf(f->sys, "enp3s0f0", "0000:03:00.0", 4, 0);
	fake_vfs(f->sys, "enp3s0f0", "0000:03:00.0", 4); /* what the kernel makes when enabled */
	fake_pf(f->sys, "eno1", "0000:00:19.0", 0, 0);   /* a NIC without SR-IOV */
	write_platform(f, PLATFORM);
	struct cfg_daemon_opts o = {
		.name = "jdm", .state_dir = f->dir, .default_host = "jdm",
		.schema_xml = cfg_schema_jdm, .schema_len = cfg_schema_jdm_len,
		.ops_xml = cfg_schema_ops_jdm, .ops_len = cfg_schema_ops_jdm_len,
		.cfgmode_xml = cfg_schema_cfgmode, .cfgmode_len = cfg_schema_cfgmode_len,
	};
	f->d = cfg_daemon_new(&o);
	if (!f->d)
		fail_msg("cfg_daemon_new: %s", cfg_err_msg());
	new_row(f, true);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	jdm_sriov_free(f->s);
	cfg_daemon_free(f->d);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static struct cfg_tree *tree(struct fx *f, const char *set)
{
	struct cfg_tree *t = cfg_tree_new(cfg_daemon_schema(f->d));
	struct cfg_buf e = {0};
	if (cfg_load_set(t, NULL, set, strlen(set), "terminal", 0, &e) != 0)
		fail_msg("load: %s %s", e.p ? e.p : "", cfg_err_msg());
	cfg_buf_free(&e);
	return t;
}

/* The commit check of OLD -> NEW rendered as the CLI prints it ("" when
 * it finds nothing). Caller frees. */
static char *check(struct fx *f, const struct cfg_tree *old_t, const struct cfg_tree *new_t)
{
	struct cfg_diff *d = cfg_diff_new(old_t, new_t, CFG_DIFF_EFFECTIVE);
	struct cfg_findings fs = {0};
	jdm_sriov_validate(f->s, new_t, d, &fs);
	struct cfg_buf b = {0};
	cfg_findings_render(&b, &fs);
	cfg_findings_free(&fs);
	cfg_diff_free(d);
	char *r = cfg_buf_steal(&b);
	return r ? r : strdup("");
}

/* Apply OLD -> NEW through the row: 0 or -1; findings rendered in *ERR
 * (may be NULL). */
static int apply(struct fx *f, const struct cfg_tree *old_t, const struct cfg_tree *new_t,
                 struct cfg_buf *out, char **err)
{
	struct cfg_diff *d = cfg_diff_new(old_t, new_t, CFG_DIFF_EFFECTIVE);
	struct cfg_findings fs = {0};
	int rc = jdm_sriov_apply(f->s, d, out, &fs);
	struct cfg_buf b = {0};
	cfg_findings_render(&b, &fs);
	if (err)
		*err = b.p ? strdup(b.p) : strdup("");
	else if (rc < 0)
		print_message("apply: %s\n", b.p ? b.p : "");
	cfg_buf_free(&b);
	cfg_findings_free(&fs);
	cfg_diff_free(d);
	return rc;
}

static char *stored(struct fx *f)
{
	char *v = NULL;
	if (cfg_store_kv_get(cfg_daemon_store(f->d), SRIOV_ALLOC_KEY, &v) != 0)
		return strdup("");
	return v;
}

#define IMG(n) "set virtual-network-functions " n " image /var/third-party/images/" n ".qcow2\n"
#define VF(n, i, pf) IMG(n) "set virtual-network-functions " n " interfaces " i " mapping " pf \
                             " virtual-function\n"
#define VFV(n, i, pf, v) IMG(n) "set virtual-network-functions " n " interfaces " i " mapping " pf \
                                 " virtual-function vlan-id " v "\n"

/* ---------------------------------------------------- admission errors */

static void admission_errors(void **state)
{
	struct fx *f = *state;
	struct cfg_tree *t0 = tree(f, "");
	char *r;

	/* fine: nothing to say */
	struct cfg_tree *ok = tree(f, VFV("vrtr1", "eth2", "hsxe0", "1100"));
	r = check(f, t0, ok);
	assert_string_equal(r, "");
	free(r);

	/* an interface mapped twice */
	struct cfg_tree *t = tree(f, VF("vrtr1", "eth2", "hsxe0")
	                             "set virtual-network-functions vrtr1 interfaces eth2 mapping hsxe1 "
	                             "virtual-function\n");
	r = check(f, t0, t);
	assert_string_equal(r,
	                    "[edit virtual-network-functions vrtr1 interfaces eth2 mapping hsxe0 "
	                    "virtual-function]\n"
	                    "  interface eth2 is mapped to virtual functions of both hsxe0 and hsxe1: a "
	                    "VF is claimed once, on one PF\n"
	                    "error: configuration check-out failed\n");
	free(r);
	cfg_tree_free(t);

	/* eth0/eth1 are the VNF's internal interfaces */
	t = tree(f, VF("vrtr1", "eth0", "hsxe0"));
	r = check(f, t0, t);
	assert_non_null(strstr(r, "[edit virtual-network-functions vrtr1 interfaces eth0 mapping hsxe0 "
	                          "virtual-function]\n  eth0 is an internal interface of the VNF"));
	free(r);
	cfg_tree_free(t);

	/* a PF without SR-IOV: the platform names a NIC that has none */
	write_platform(f, "hsxe0 eno1\nhsxe1 hsxe1 vfs 2 vf-mode emulated\n");
	r = check(f, t0, ok);
	assert_string_equal(r,
	                    "[edit virtual-network-functions vrtr1 interfaces eth2 mapping hsxe0 "
	                    "virtual-function]\n"
	                    "  PF hsxe0: eno1 does not support SR-IOV (no virtual functions)\n"
	                    "error: configuration check-out failed\n");
	free(r);
	/* a real PF that is a virtual netdev (no device): never emulated */
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/sys/class/net/hsxe0", f->sys);
	mkdirs(p);
	write_platform(f, "hsxe0 hsxe0\n");
	r = check(f, t0, ok);
	assert_non_null(strstr(r, "  PF hsxe0: hsxe0 is not a PCI device and does not support SR-IOV\n"));
	free(r);
	/* a missing PF: the device is not there */
	write_platform(f, "hsxe0 enp9s0f0\n");
	r = check(f, t0, ok);
	assert_non_null(strstr(r, "virtual-function]\n  PF hsxe0: no device enp9s0f0\n"));
	free(r);
	/* ... or the platform file does not know it */
	write_platform(f, "ge-0/0/0 ge-0-0-0\n");
	r = check(f, t0, ok);
	assert_non_null(strstr(r, "  PF hsxe0 is not in the platform file ("));
	free(r);
	/* emulated needs its count */
	write_platform(f, "hsxe0 hsxe0 vf-mode emulated\n");
	r = check(f, t0, ok);
	assert_non_null(strstr(r, "  PF hsxe0: emulated virtual functions need `vfs N` (1 to 256)"));
	free(r);
	/* no platform file, or one with comments only: the built-in default
	   (emulated VFs on hsxe0 and hsxe1): fine */
	unlink(f->platform);
	r = check(f, t0, ok);
	assert_string_equal(r, "");
	free(r);
	write_platform(f, "# hsxe0 hsxe0 vfs 8\n");
	r = check(f, t0, ok);
	assert_string_equal(r, "");
	free(r);
	write_platform(f, PLATFORM);

	/* nothing was taken by any of it */
	r = stored(f);
	assert_string_equal(r, "");
	free(r);
	cfg_tree_free(ok);
	cfg_tree_free(t0);
}

/* vlan-id out of range never reaches the row: the schema refuses it */
static void vlan_out_of_range(void **state)
{
	struct fx *f = *state;
	struct cfg_tree *t = cfg_tree_new(cfg_daemon_schema(f->d));
	const char *set = "set virtual-network-functions vrtr1 interfaces eth2 mapping hsxe0 "
	                  "virtual-function vlan-id 4095\n";
	struct cfg_buf e = {0};
	assert_int_not_equal(cfg_load_set(t, NULL, set, strlen(set), "terminal", 0, &e), 0);
	cfg_buf_free(&e);
	cfg_tree_free(t);
}

/* ------------------------------------------------------------- budget */

static void budget_of_a_whole_commit(void **state)
{
	struct fx *f = *state;
	struct cfg_tree *t0 = tree(f, "");
	/* hsxe1 has 2 emulated VFs; three VNFs want one each in one commit */
	struct cfg_tree *t = tree(f, VFV("va", "eth2", "hsxe1", "10") VFV("vb", "eth2", "hsxe1", "20")
	                             VFV("vc", "eth2", "hsxe1", "30") VF("vd", "eth2", "hsxe0"));
	char *r = check(f, t0, t);
	assert_string_equal(r,
	                    "[edit virtual-network-functions vc interfaces eth2 mapping hsxe1 "
	                    "virtual-function]\n"
	                    "  no free virtual function on PF hsxe1 (emulated): 3 interfaces are mapped "
	                    "to it, it has 2\n"
	                    "error: configuration check-out failed\n");
	free(r);
	/* the commit fails as a whole: nothing is taken */
	r = stored(f);
	assert_string_equal(r, "");
	free(r);

	/* two fit; later one more VNF does not, whoever comes first in order:
	   those holding a VF keep it */
	struct cfg_tree *t2 = tree(f, VFV("vb", "eth2", "hsxe1", "20") VFV("vc", "eth2", "hsxe1", "30"));
	r = check(f, t0, t2);
	assert_string_equal(r, "");
	free(r);
	assert_int_equal(apply(f, t0, t2, NULL, NULL), 0);
	struct cfg_tree *t3 = tree(f, VFV("va", "eth2", "hsxe1", "10") VFV("vb", "eth2", "hsxe1", "20")
	                              VFV("vc", "eth2", "hsxe1", "30"));
	r = check(f, t2, t3);
	assert_non_null(strstr(r, "[edit virtual-network-functions va interfaces eth2 mapping hsxe1 "
	                          "virtual-function]\n  no free virtual function on PF hsxe1"));
	free(r);
	/* one leaving frees room for another in the same commit */
	struct cfg_tree *t4 = tree(f, VFV("va", "eth2", "hsxe1", "10") VFV("vc", "eth2", "hsxe1", "30"));
	r = check(f, t2, t4);
	assert_string_equal(r, "");
	free(r);
	cfg_tree_free(t4);
	cfg_tree_free(t3);
	cfg_tree_free(t2);
	cfg_tree_free(t);
	cfg_tree_free(t0);
}

/* -------------------------------------------- allocation through apply */

static int adds, dels;
static char last_port[64];
static int last_vlan;
static char last_pf[16];

static int emu_add(void *ctx, const char *port, int vlan, const char *pf)
{
	(void)ctx;
	adds++;
	snprintf(last_port, sizeof last_port, "%s", port);
	snprintf(last_pf, sizeof last_pf, "%s", pf);
	last_vlan = vlan;
	return 0;
}

static int emu_del(void *ctx, const char *port)
{
	(void)ctx;
	dels++;
	snprintf(last_port, sizeof last_port, "%s", port);
	return 0;
}

static const struct jdm_sriov_emu_ops emu = {.port_add = emu_add, .port_del = emu_del};

static void apply_stable_free_undo(void **state)
{
	struct fx *f = *state;
	adds = dels = 0;
	jdm_sriov_set_emu(f->s, &emu, NULL);
	struct cfg_tree *t0 = tree(f, "");
	struct cfg_tree *t1 = tree(f, VFV("vrtr1", "eth2", "hsxe1", "1100") VF("vsrx", "eth3", "hsxe1"));
	struct cfg_buf out = {0};
	assert_int_equal(apply(f, t0, t1, &out, NULL), 0);
	assert_non_null(strstr(out.p, "vrtr1 eth2: virtual function 0 of hsxe1 (emulated), VLAN 1100\n"));
	assert_non_null(strstr(out.p, "vsrx eth3: virtual function 1 of hsxe1 (emulated)\n"));
	assert_int_equal(adds, 2);
	char mac[18];
	assert_int_equal(jdm_domain_mac("vrtr1 eth2", mac), 0);
	char *r = stored(f);
	char want[256];
	snprintf(want, sizeof want, "hsxe1 0 vrtr1 eth2 %s 1100\n", mac);
	assert_non_null(strstr(r, want));
	free(r);

	/* the domain interface of an emulated VF: a TAP with the VF's MAC */
	struct cfg_node *vn = cfg_tree_at(t1, NULL, "virtual-network-functions vrtr1", 0);
	struct jdm_domain_nic nics[4];
	struct jdm_sriov_nicbuf bufs[4];
	assert_int_equal(jdm_sriov_nics(f->s, vn, nics, bufs, 4), 1);
	assert_string_equal(nics[0].target_dev, "vrtr1_eth2");
	assert_string_equal(nics[0].mac, mac);
	assert_null(nics[0].hostdev_pci);

	/* an apply that changes nothing touches nothing */
	cfg_buf_reset(&out);
	assert_int_equal(apply(f, t1, t1, &out, NULL), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(adds, 2);

	/* restart: a new row converges from the store: the same VFs */
	jdm_sriov_free(f->s);
	new_row(f, true);
	jdm_sriov_set_emu(f->s, &emu, NULL);
	struct cfg_findings fs = {0};
	assert_int_equal(jdm_sriov_converge(f->s, t1, NULL, &fs), 0);
	assert_int_equal(adds, 4); /* converge sets every port again */
	r = stored(f);
	assert_non_null(strstr(r, want));
	assert_non_null(strstr(r, "hsxe1 1 vsrx eth3 "));
	free(r);

	/* deleting the VNF frees its VF: the next one takes VF 0 */
	struct cfg_tree *t2 = tree(f, VF("vsrx", "eth3", "hsxe1"));
	cfg_buf_reset(&out);
	assert_int_equal(apply(f, t1, t2, &out, NULL), 0);
	assert_non_null(strstr(out.p, "vrtr1 eth2: virtual function 0 of hsxe1 (emulated) freed\n"));
	assert_int_equal(dels, 1);
	assert_string_equal(last_port, "vrtr1_eth2");
	/* undo gives it back, VF and MAC */
	struct cfg_diff *d = cfg_diff_new(t1, t2, CFG_DIFF_EFFECTIVE);
	assert_int_equal(jdm_sriov_undo(f->s, d, NULL, &fs), 0);
	cfg_diff_free(d);
	r = stored(f);
	assert_non_null(strstr(r, want));
	free(r);
	assert_int_equal(apply(f, t1, t2, NULL, NULL), 0);
	/* deleting only the mapping frees it as well; a new VNF takes VF 0 */
	struct cfg_tree *t3 = tree(f, IMG("vsrx") VFV("vnew", "eth2", "hsxe1", "7"));
	assert_int_equal(apply(f, t2, t3, NULL, NULL), 0);
	r = stored(f);
	assert_non_null(strstr(r, "hsxe1 0 vnew eth2 "));
	assert_null(strstr(r, "vsrx"));
	free(r);
	assert_int_equal(last_vlan, 7);
	assert_string_equal(last_pf, "hsxe1");
	/* the domain's VF interfaces in ethN order (not configuration order),
	   each with the ACPI index that makes it the guest's ethN */
	struct cfg_tree *t5 = tree(f, VF("vo", "eth4", "hsxe1") VF("vo", "eth2", "hsxe1"));
	assert_int_equal(apply(f, t3, t5, NULL, NULL), 0);
	struct cfg_node *von = cfg_tree_at(t5, NULL, "virtual-network-functions vo", 0);
	assert_int_equal(jdm_sriov_nics(f->s, von, nics, bufs, 4), 2);
	assert_string_equal(nics[0].name, "eth2");
	assert_int_equal(nics[0].acpi_index, 3);
	assert_string_equal(nics[1].name, "eth4");
	assert_int_equal(nics[1].acpi_index, 5);
	assert_string_equal(nics[1].target_dev, "vo_eth4");
	assert_int_equal(jdm_sriov_nics(f->s, von, nics, bufs, 1), -1);
	assert_int_equal(apply(f, t5, t3, NULL, NULL), 0);
	cfg_tree_free(t5);

	/* what the host-os switch trunks on each uplink: the emulated VFs' VLANs
	   of that PF only (hsxe0 is a real PF here) */
	struct cfg_tree *t4 = tree(f, VFV("a", "eth2", "hsxe1", "30") VFV("b", "eth2", "hsxe1", "10")
	                              VFV("c", "eth3", "hsxe1", "30") VFV("d", "eth2", "hsxe0", "99"));
	int vl[8];
	assert_int_equal(jdm_sriov_emu_vlans(t4, f->platform, "hsxe1", vl, 8), 2);
	assert_int_equal(vl[0], 10);
	assert_int_equal(vl[1], 30);
	assert_int_equal(jdm_sriov_emu_vlans(t4, f->platform, "hsxe0", vl, 8), 0);
	write_platform(f, "hsxe0 hsxe0 vfs 4 vf-mode emulated\n");
	assert_int_equal(jdm_sriov_emu_vlans(t4, f->platform, "hsxe0", vl, 8), 1);
	assert_int_equal(vl[0], 99);
	assert_int_equal(jdm_sriov_emu_vlans(t4, f->platform, "hsxe1", vl, 8), 0);
	write_platform(f, PLATFORM);
	cfg_tree_free(t4);
	cfg_findings_free(&fs);
	cfg_buf_free(&out);
	cfg_tree_free(t3);
	cfg_tree_free(t2);
	cfg_tree_free(t1);
	cfg_tree_free(t0);
}

/* --------------------------------------- hostdev domain + test driver */

static void hostdev_domain_accepted_by_libvirt(void **state)
{
	struct fx *f = *state;
	/* a real PF's allocation as a previous jdmd left it in the store (here
	   no kernel accepts VF settings, so apply cannot make one) */
	assert_int_equal(cfg_store_kv_set(cfg_daemon_store(f->d), SRIOV_ALLOC_KEY,
	                                  "hsxe0 2 vrtr1 eth2 30:b6:4f:aa:bb:02 1100\n"),
	                 0);
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/sys/bus/pci/devices/0000:03:00.0/sriov_numvfs", f->sys);
	putf(p, "4\n");
	struct cfg_tree *t = tree(f, VFV("vrtr1", "eth2", "hsxe0", "1100")
	                             "set virtual-network-functions vrtr1 no-default-interfaces\n");
	struct cfg_node *vn = cfg_tree_at(t, NULL, "virtual-network-functions vrtr1", 0);
	struct jdm_domain_nic nics[4];
	struct jdm_sriov_nicbuf bufs[4];
	assert_int_equal(jdm_sriov_nics(f->s, vn, nics, bufs, 4), 1);
	assert_string_equal(nics[0].hostdev_pci, "0000:03:10.2");
	assert_string_equal(nics[0].mac, "30:b6:4f:aa:bb:02");
	assert_int_equal(nics[0].vlan, 1100);

	struct jdm_domain_spec s = {.name = "vrtr1", .accel = "tcg", .vcpus = 1,
	                            .memory_kib = 65536, .image = "/var/third-party/images/vrtr1.qcow2",
	                            .nics = nics, .n_nics = 1};
	char *xml = NULL;
	assert_int_equal(jdm_domain_xml(&s, &xml), 0);
	assert_non_null(strstr(xml, "<interface type=\"hostdev\" managed=\"yes\">"));
	virConnectPtr c = virConnectOpen("test:///default");
	assert_non_null(c);
	virDomainPtr dom = virDomainDefineXML(c, xml);
	if (!dom)
		fail_msg("libvirt refused the domain: %s\n%s", virGetLastErrorMessage(), xml);
	char *back = virDomainGetXMLDesc(dom, 0);
	assert_non_null(back);
	assert_non_null(strstr(back, "<interface type='hostdev' managed='yes'>"));
	assert_non_null(strstr(back, "<mac address='30:b6:4f:aa:bb:02'/>"));
	assert_non_null(strstr(back, "<address type='pci' domain='0x0000' bus='0x03' slot='0x10' "
	                             "function='0x2'/>"));
	assert_non_null(strstr(back, "<tag id='1100'/>"));
	free(back);
	virDomainUndefine(dom);
	virDomainFree(dom);
	virConnectClose(c);
	free(xml);

	/* the shows, as data of the vocabulary, and their text */
	struct cfg_reply_vocab *voc =
		cfg_reply_vocab_load((const char *)cfg_schema_ops_jdm, cfg_schema_ops_jdm_len, "ops-jdm.xml");
	assert_non_null(voc);
	struct cfg_reply *rep = cfg_reply_new("network-visibility-information");
	jdm_sriov_visibility(f->s, cfg_reply_root(rep));
	if (cfg_reply_check(voc, rep) < 0)
		fail_msg("%s", cfg_err_msg());
	struct cfg_buf b = {0};
	jdm_sriov_visibility_text(&b, rep);
	assert_non_null(strstr(b.p, "vrtr1                eth2      hostdev  hsxe0 2   0000:03:10.2 1100 "
	                            "30:b6:4f:aa:bb:02\n"));
	cfg_reply_free(rep);
	rep = cfg_reply_new("system-inventory-information");
	jdm_sriov_inventory(f->s, cfg_reply_root(rep));
	if (cfg_reply_check(voc, rep) < 0)
		fail_msg("%s", cfg_err_msg());
	cfg_buf_reset(&b);
	jdm_sriov_inventory_text(&b, rep);
	assert_non_null(strstr(b.p, "hsxe0 enp3s0f0   0000:03:00.0 sxe-0/0/0 sriov     4     4       1\n"));
	assert_non_null(strstr(b.p, "hsxe1 hsxe1      emulated     sxe-0/0/1 emulated  2     2       0\n"));
	cfg_reply_free(rep);
	cfg_buf_free(&b);
	cfg_reply_vocab_free(voc);
	cfg_tree_free(t);
}

/* ------------------------------------ the kernel refuses a real PF */

static void real_pf_refused_nothing_kept(void **state)
{
	struct fx *f = *state;
	NEED_NETNS();
	/* the platform's PF netdev exists in the kernel (our namespace only),
	   but it is a veth: its VF settings are refused */
	const char *add[] = {ut_ip(), "link", "add", "enp3s0f0", "type", "veth", "peer", "enp3s0f0p",
	                     NULL};
	assert_int_equal(ut_run(add, NULL, 0), 0);
	struct cfg_tree *t0 = tree(f, "");
	struct cfg_tree *t1 = tree(f, VFV("vrtr1", "eth2", "hsxe0", "1100"));
	char *r = check(f, t0, t1);
	assert_string_equal(r, ""); /* sysfs says SR-IOV */
	free(r);
	char *err = NULL;
	assert_int_equal(apply(f, t0, t1, NULL, &err), -1);
	assert_non_null(strstr(err, "[edit virtual-network-functions vrtr1 interfaces eth2 mapping "
	                            "hsxe0 virtual-function]\n  PF hsxe0 (enp3s0f0): the kernel refused "
	                            "virtual function 0 ("));
	assert_non_null(strstr(err, "VLAN 1100): Operation not supported (the device has no SR-IOV "
	                            "virtual functions)\n"));
	free(err);
	/* nothing kept: the VFs it enabled disabled again, no allocation
	   stored, none in the table */
	char p[PATH_MAX], b[16];
	snprintf(p, sizeof p, "%s/sys/bus/pci/devices/0000:03:00.0/sriov_numvfs", f->sys);
	getf(p, b, sizeof b);
	assert_string_equal(b, "0\n");
	r = stored(f);
	assert_string_equal(r, "");
	free(r);
	struct cfg_reply *rep = cfg_reply_new("network-visibility-information");
	jdm_sriov_visibility(f->s, cfg_reply_root(rep));
	assert_null(cfg_reply_root(rep)->child);
	cfg_reply_free(rep);
	const char *del[] = {ut_ip(), "link", "del", "enp3s0f0", NULL};
	ut_run(del, NULL, 0);
	cfg_tree_free(t1);
	cfg_tree_free(t0);
}

int main(int argc, char **argv)
{
	int rc = ut_enter_netns(argc, argv, false);
	if (rc >= 0)
		return rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(admission_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(vlan_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(budget_of_a_whole_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(apply_stable_free_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(hostdev_domain_accepted_by_libvirt, setup, teardown),
		cmocka_unit_test_setup_teardown(real_pf_refused_nothing_kept, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
