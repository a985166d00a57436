/* sriov_sysfs and sriov_alloc: PFs and VFs discovered on a fake sysfs tree
 * made at test time (no SR-IOV NIC here), enabling VFs by sriov_numvfs,
 * the errors for a missing PF and a PF without SR-IOV, and the allocation
 * table kept in a real store: stable across a restart, no free VF, a VF
 * never held twice, freeing. */
#include "test_common.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_store.h"
#include "sriov_alloc.h"
#include "sriov_sysfs.h"

#include "test_sriov_fake.h"

struct fx {
	char root[64];
	char db[128];
};


static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->root, sizeof f->root, "/tmp/nfx-test-sriov-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->db, sizeof f->db, "%s/config.db", f->root);
	/* hsxe0: an SR-IOV NIC port with 8 VFs, 2 enabled; hsxe1: 4 VFs, none
	   enabled; a NIC without SR-IOV; a veth-like netdev without a device */
	fake_pf(f->root, "enp3s0f0", "0000:03:00.0", 8, 2);
	fake_vfs(f->root, "enp3s0f0", "0000:03:00.0", 2);
	fake_pf(f->root, "enp3s0f1", "0000:03:00.1", 4, 0);
	fake_pf(f->root, "eno1", "0000:00:19.0", 0, 0);
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/sys/class/net/veth0", f->root);
	mkdirs(p);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	nftw(f->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* ------------------------------------------------------------- discovery */

static void discover_by_netdev_and_pci(void **state)
{
	struct fx *f = *state;
	struct sriov_pf pf;
	assert_int_equal(sriov_pf_read(f->root, "hsxe0", "enp3s0f0", &pf), 0);
	assert_string_equal(pf.name, "hsxe0");
	assert_string_equal(pf.netdev, "enp3s0f0");
	assert_string_equal(pf.pci, "0000:03:00.0");
	assert_false(pf.emulated);
	assert_int_equal(pf.total_vfs, 8);
	assert_int_equal(pf.num_vfs, 2);

	/* by PCI address: the netdev is found below the device */
	struct sriov_pf pf2;
	assert_int_equal(sriov_pf_read(f->root, "hsxe1", "0000:03:00.1", &pf2), 0);
	assert_string_equal(pf2.netdev, "enp3s0f1");
	assert_int_equal(pf2.total_vfs, 4);
	assert_int_equal(pf2.num_vfs, 0);

	/* a root with trailing slashes */
	char r[128];
	snprintf(r, sizeof r, "%s//", f->root);
	assert_int_equal(sriov_pf_read(r, "hsxe0", "enp3s0f0", &pf2), 0);

	struct sriov_vf vf;
	assert_int_equal(sriov_vf_read(f->root, &pf, 1, &vf), 0);
	assert_int_equal(vf.index, 1);
	assert_string_equal(vf.pci, "0000:03:10.1");
	assert_string_equal(vf.netdev, "enp3s0f0v1");
	/* not enabled */
	assert_int_equal(sriov_vf_read(f->root, &pf, 2, &vf), -1);
	assert_non_null(strstr(cfg_err_msg(), "virtual function 2 is not enabled (2 of 8 are)"));
}

static void discover_errors(void **state)
{
	struct fx *f = *state;
	struct sriov_pf pf;
	assert_int_equal(sriov_pf_read(f->root, "hsxe0", "enp9s0", &pf), -1);
	assert_string_equal(cfg_err_msg(), "PF hsxe0: no device enp9s0");
	assert_int_equal(sriov_pf_read(f->root, "hsxe0", "0000:09:00.0", &pf), -1);
	assert_string_equal(cfg_err_msg(), "PF hsxe0: no device 0000:09:00.0");
	assert_int_equal(sriov_pf_read(f->root, "hsxe0", "eno1", &pf), -1);
	assert_string_equal(cfg_err_msg(),
	                    "PF hsxe0: eno1 does not support SR-IOV (no virtual functions)");
	assert_int_equal(sriov_pf_read(f->root, "hsxe0", "veth0", &pf), -1);
	assert_string_equal(cfg_err_msg(),
	                    "PF hsxe0: veth0 is not a PCI device and does not support SR-IOV");
	assert_int_equal(sriov_pf_read(f->root, "hsxe0", "../x", &pf), -1);
	/* a file that is not a number */
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/sys/bus/pci/devices/0000:03:00.1/sriov_totalvfs", f->root);
	putf(p, "many\n");
	assert_int_equal(sriov_pf_read(f->root, "hsxe1", "enp3s0f1", &pf), -1);
	assert_non_null(strstr(cfg_err_msg(), "sriov_totalvfs does not hold a number"));
}

static void enable_vfs(void **state)
{
	struct fx *f = *state;
	struct sriov_pf pf;
	char p[PATH_MAX], b[32];
	snprintf(p, sizeof p, "%s/sys/bus/pci/devices/0000:03:00.1/sriov_numvfs", f->root);
	assert_int_equal(sriov_pf_read(f->root, "hsxe1", "enp3s0f1", &pf), 0);
	/* from 0: the number needed is written, nothing more */
	assert_int_equal(sriov_pf_enable(f->root, &pf, 3, false), 0);
	getf(p, b, sizeof b);
	assert_string_equal(b, "3\n");
	assert_int_equal(pf.num_vfs, 3);
	/* already enough: the file is left alone */
	putf(p, "3\n");
	assert_int_equal(sriov_pf_enable(f->root, &pf, 2, true), 0);
	assert_int_equal(pf.num_vfs, 3);
	/* more than the device has */
	assert_int_equal(sriov_pf_enable(f->root, &pf, 5, false), -1);
	assert_string_equal(cfg_err_msg(), "PF hsxe1: 5 virtual functions needed, the device has 4");
	/* more while some are in use: the kernel would remove them first */
	assert_int_equal(sriov_pf_enable(f->root, &pf, 4, true), -1);
	assert_non_null(strstr(cfg_err_msg(), "are enabled and in use"));
	getf(p, b, sizeof b);
	assert_string_equal(b, "3\n");
	/* not in use: 0, then 4 (the file ends holding 4) */
	assert_int_equal(sriov_pf_enable(f->root, &pf, 4, false), 0);
	getf(p, b, sizeof b);
	assert_string_equal(b, "4\n");

	/* emulated PFs have nothing in sysfs */
	struct sriov_pf em;
	assert_int_equal(sriov_pf_emulated("hsxe0", 8, &em), 0);
	assert_true(em.emulated);
	assert_int_equal(em.total_vfs, 8);
	assert_int_equal(sriov_pf_enable("/nonexistent", &em, 8, true), 0);
	struct sriov_vf vf;
	assert_int_equal(sriov_vf_read("/nonexistent", &em, 7, &vf), 0);
	assert_string_equal(vf.pci, "");
	assert_int_equal(sriov_pf_emulated("hsxe0", 0, &em), -1);
	assert_int_equal(sriov_pf_emulated("hsxe0", SRIOV_MAX_VFS + 1, &em), -1);
}

/* ------------------------------------------------------------ allocation */

static void alloc_stable_across_restart(void **state)
{
	struct fx *f = *state;
	struct cfg_store *st = cfg_store_open(f->db);
	assert_non_null(st);
	struct sriov_alloc *a = sriov_alloc_new();
	assert_int_equal(sriov_alloc_load(a, st), 0);
	assert_int_equal(sriov_alloc_count(a), 0);
	const struct sriov_alloc_ent *e =
		sriov_alloc_take(a, "hsxe0", 8, "vrtr1", "eth2", "30:b6:4f:00:00:02", 1100);
	assert_non_null(e);
	assert_int_equal(e->vf, 0);
	e = sriov_alloc_take(a, "hsxe0", 8, "vsrx", "eth3", "30:b6:4f:00:00:03", 0);
	assert_int_equal(e->vf, 1);
	e = sriov_alloc_take(a, "hsxe1", 4, "vrtr1", "eth3", "30:b6:4f:00:00:04", 20);
	assert_int_equal(e->vf, 0);
	/* taking again keeps the VF and the MAC, updates the VLAN */
	e = sriov_alloc_take(a, "hsxe0", 8, "vrtr1", "eth2", "30:b6:4f:99:99:99", 1200);
	assert_int_equal(e->vf, 0);
	assert_string_equal(e->mac, "30:b6:4f:00:00:02");
	assert_int_equal(e->vlan, 1200);
	unsigned hi;
	assert_int_equal(sriov_alloc_used(a, "hsxe0", &hi), 2);
	assert_int_equal(hi, 2);
	assert_int_equal(sriov_alloc_save(a, st), 0);
	char *t = sriov_alloc_text(a);
	assert_string_equal(t, "hsxe0 0 vrtr1 eth2 30:b6:4f:00:00:02 1200\n"
	                       "hsxe0 1 vsrx eth3 30:b6:4f:00:00:03 0\n"
	                       "hsxe1 0 vrtr1 eth3 30:b6:4f:00:00:04 20\n");
	free(t);
	sriov_alloc_free(a);
	cfg_store_close(st);

	/* jdmd restarted: the same table from the store */
	st = cfg_store_open(f->db);
	a = sriov_alloc_new();
	assert_int_equal(sriov_alloc_load(a, st), 0);
	assert_int_equal(sriov_alloc_count(a), 3);
	e = sriov_alloc_find(a, "vsrx", "eth3");
	assert_non_null(e);
	assert_string_equal(e->pf, "hsxe0");
	assert_int_equal(e->vf, 1);
	assert_string_equal(e->mac, "30:b6:4f:00:00:03");
	e = sriov_alloc_holder(a, "hsxe0", 0);
	assert_string_equal(e->vnf, "vrtr1");
	/* freeing: the VF is the lowest free one again */
	struct sriov_alloc_ent old;
	assert_true(sriov_alloc_release(a, "vrtr1", "eth2", &old));
	assert_int_equal(old.vf, 0);
	assert_false(sriov_alloc_release(a, "vrtr1", "eth2", NULL));
	assert_null(sriov_alloc_holder(a, "hsxe0", 0));
	e = sriov_alloc_take(a, "hsxe0", 8, "vnf3", "eth2", "30:b6:4f:00:00:05", 0);
	assert_int_equal(e->vf, 0);
	/* moving an interface to the other PF gives up the first VF */
	e = sriov_alloc_take(a, "hsxe1", 4, "vsrx", "eth3", "30:b6:4f:00:00:03", 0);
	assert_int_equal(e->vf, 1);
	assert_null(sriov_alloc_holder(a, "hsxe0", 1));
	/* the empty table deletes the record */
	sriov_alloc_release(a, "vnf3", "eth2", NULL);
	sriov_alloc_release(a, "vsrx", "eth3", NULL);
	sriov_alloc_release(a, "vrtr1", "eth3", NULL);
	assert_int_equal(sriov_alloc_save(a, st), 0);
	char *val = NULL;
	assert_int_equal(cfg_store_kv_get(st, SRIOV_ALLOC_KEY, &val), 1);
	sriov_alloc_free(a);
	cfg_store_close(st);
}

static void alloc_errors(void **state)
{
	struct fx *f = *state;
	struct sriov_alloc *a = sriov_alloc_new();
	/* no free VF */
	assert_non_null(sriov_alloc_take(a, "hsxe1", 2, "a", "eth2", NULL, 0));
	assert_non_null(sriov_alloc_take(a, "hsxe1", 2, "b", "eth2", NULL, 0));
	assert_null(sriov_alloc_take(a, "hsxe1", 2, "c", "eth2", NULL, 0));
	assert_string_equal(cfg_err_msg(), "no free virtual function on PF hsxe1 (all 2 in use)");
	assert_int_equal(sriov_alloc_count(a), 2);
	/* a VF claimed twice */
	assert_int_equal(sriov_alloc_claim(a, "hsxe1", 2, 1, "c", "eth2", NULL, 0), -1);
	assert_string_equal(cfg_err_msg(), "virtual function 1 of PF hsxe1 is already held by b eth2");
	assert_int_equal(sriov_alloc_claim(a, "hsxe1", 2, 1, "b", "eth2", NULL, 7), 0);
	assert_int_equal(sriov_alloc_holder(a, "hsxe1", 1)->vlan, 7);
	assert_int_equal(sriov_alloc_claim(a, "hsxe1", 2, 2, "c", "eth2", NULL, 0), -1);
	assert_string_equal(cfg_err_msg(), "PF hsxe1 has no virtual function 2 (it has 2)");
	/* names that cannot be stored */
	assert_null(sriov_alloc_take(a, "hsxe0", 2, "a b", "eth2", NULL, 0));
	/* dup is independent (undo snapshots) */
	struct sriov_alloc *d = sriov_alloc_dup(a);
	sriov_alloc_release(a, "a", "eth2", NULL);
	assert_int_equal(sriov_alloc_count(d), 2);
	assert_int_equal(sriov_alloc_count(a), 1);
	sriov_alloc_free(d);
	sriov_alloc_free(a);

	/* a damaged record: bad lines and a VF twice are dropped */
	struct cfg_store *st = cfg_store_open(f->db);
	assert_non_null(st);
	assert_int_equal(cfg_store_kv_set(st, SRIOV_ALLOC_KEY,
	                                  "hsxe0 0 a eth2 30:b6:4f:00:00:01 0\n"
	                                  "garbage\n"
	                                  "hsxe0 0 b eth2 30:b6:4f:00:00:02 0\n"
	                                  "hsxe0 1 c eth2 30:b6:4f:00:00:03 5000\n"
	                                  "hsxe0 2 d eth2 - 10\n"),
	                 0);
	a = sriov_alloc_new();
	assert_int_equal(sriov_alloc_load(a, st), 0);
	assert_int_equal(sriov_alloc_count(a), 2);
	assert_string_equal(sriov_alloc_at(a, 1)->vnf, "d");
	sriov_alloc_free(a);
	cfg_store_close(st);
	sriov_alloc_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(discover_by_netdev_and_pci, setup, teardown),
		cmocka_unit_test_setup_teardown(discover_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(enable_vfs, setup, teardown),
		cmocka_unit_test_setup_teardown(alloc_stable_across_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(alloc_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
