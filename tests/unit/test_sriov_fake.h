/* A fake sysfs tree of SR-IOV NICs, made at test time below a temporary
 * root (this machine has no SR-IOV NIC): PFs with sriov_totalvfs and
 * sriov_numvfs, the virtfnN links and VF netdevs the kernel would make.
 * Shared by test_sriov.c and test_sriov_row.c (include once, in the .c,
 * after test_common.h). */
#ifndef NFX_TEST_SRIOV_FAKE_H
#define NFX_TEST_SRIOV_FAKE_H

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static inline void mkdirs(const char *path)
{
	char b[PATH_MAX];
	snprintf(b, sizeof b, "%s", path);
	for (char *p = b + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(b, 0755);
			*p = '/';
		}
	assert_true(mkdir(b, 0755) == 0 || errno == EEXIST);
}

static inline void putf(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static inline void getf(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t r = fread(buf, 1, n - 1, f);
	buf[r] = '\0';
	fclose(f);
}

/* A PF NETDEV at PCI with TOTAL VFs (TOTAL 0: a PCI NIC without SR-IOV),
 * NUM enabled (virtfn links and VF netdevs NETDEVvN made for them, as the
 * kernel does). */
static inline void fake_pf(const char *root, const char *netdev, const char *pci, unsigned total,
                    unsigned num)
{
	char p[PATH_MAX], t[PATH_MAX];
	snprintf(p, sizeof p, "%s/sys/bus/pci/devices/%s/net/%s", root, pci, netdev);
	mkdirs(p);
	snprintf(p, sizeof p, "%s/sys/class/net/%s", root, netdev);
	mkdirs(p);
	snprintf(p, sizeof p, "%s/sys/class/net/%s/device", root, netdev);
	snprintf(t, sizeof t, "../../../bus/pci/devices/%s", pci);
	assert_int_equal(symlink(t, p), 0);
	if (total) {
		snprintf(p, sizeof p, "%s/sys/bus/pci/devices/%s/sriov_totalvfs", root, pci);
		snprintf(t, sizeof t, "%u\n", total);
		putf(p, t);
		snprintf(p, sizeof p, "%s/sys/bus/pci/devices/%s/sriov_numvfs", root, pci);
		snprintf(t, sizeof t, "%u\n", num);
		putf(p, t);
	}
}

/* The kernel's part of enabling: virtfnN links for N < NUM of PF at PCI
 * whose VFs live at bus BUS, device 0x10, function N. */
static inline void fake_vfs(const char *root, const char *netdev, const char *pci, unsigned num)
{
	char p[PATH_MAX], t[PATH_MAX], vf[16];
	for (unsigned i = 0; i < num; i++) {
		snprintf(vf, sizeof vf, "0000:03:%02x.%u", 0x10 + i / 8, i % 8);
		snprintf(p, sizeof p, "%s/sys/bus/pci/devices/%s/net/%sv%u", root, vf, netdev, i);
		mkdirs(p);
		snprintf(p, sizeof p, "%s/sys/bus/pci/devices/%s/virtfn%u", root, pci, i);
		snprintf(t, sizeof t, "../%s", vf);
		unlink(p);
		assert_int_equal(symlink(t, p), 0);
	}
}

/* nftw callback removing the tree */
static inline int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

#endif
