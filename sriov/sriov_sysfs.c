/* sriov_sysfs — PFs and VFs read from (and sriov_numvfs written to) sysfs
 * below a root; see sriov_sysfs.h. */
#include "sriov_sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_err.h"

/* ROOT + "/" + the formatted rest, without doubled slashes from ROOT. */
static int pathf(char *out, size_t n, const char *root, const char *fmt, const char *a,
                 const char *b)
{
	size_t rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (rl == 1 && root[0] == '/')
		rl = 0;
	char rest[PATH_MAX];
	int w = snprintf(rest, sizeof rest, fmt, a, b ? b : "");
	if (w < 0 || (size_t)w >= sizeof rest)
		return cfg_err_set("sysfs path too long");
	w = snprintf(out, n, "%.*s%s", (int)rl, root, rest);
	if (w < 0 || (size_t)w >= n)
		return cfg_err_set("sysfs path too long");
	return 0;
}

static bool is_pci(const char *s)
{
	unsigned a, b, c, d;
	char end;
	return strlen(s) == 12 && sscanf(s, "%4x:%2x:%2x.%1x%c", &a, &b, &c, &d, &end) == 4;
}

/* A netdev name the kernel could have (no '/', not "." or ".."). */
static bool is_ifname(const char *s)
{
	size_t l = strlen(s);
	return l > 0 && l < SRIOV_NAME_MAX && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* The unsigned number in file PATH: 0, 1 when the file does not exist, -1
 * (cfg_err set) when it holds no number. */
static int read_uint(const char *path, unsigned *v)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		return cfg_err_set("%s: %s", path, strerror(errno));
	}
	char buf[32];
	ssize_t r = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (r < 0)
		return cfg_err_set("%s: %s", path, strerror(errno));
	buf[r] = '\0';
	char *end;
	errno = 0;
	unsigned long x = strtoul(buf, &end, 10);
	if (end == buf || errno || x > 65535 || (*end && *end != '\n'))
		return cfg_err_set("%s does not hold a number", path);
	*v = (unsigned)x;
	return 0;
}

/* The last component of the target of link PATH into OUT. 0, 1 when PATH
 * does not exist, -1 otherwise. */
static int link_base(const char *path, char *out, size_t n)
{
	char t[PATH_MAX];
	ssize_t l = readlink(path, t, sizeof t - 1);
	if (l < 0)
		return errno == ENOENT ? 1 : cfg_err_set("%s: %s", path, strerror(errno));
	t[l] = '\0';
	while (l > 1 && t[l - 1] == '/')
		t[--l] = '\0';
	const char *b = strrchr(t, '/');
	b = b ? b + 1 : t;
	if (strlen(b) >= n)
		return cfg_err_set("%s: link target too long", path);
	snprintf(out, n, "%s", b);
	return 0;
}

/* The first netdev in DIR/net (OUT "" when none). */
static void first_netdev(const char *dir, char *out, size_t n)
{
	out[0] = '\0';
	char p[PATH_MAX];
	if (snprintf(p, sizeof p, "%s/net", dir) >= (int)sizeof p)
		return;
	DIR *d = opendir(p);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && strlen(e->d_name) < n) {
			snprintf(out, n, "%s", e->d_name);
			break;
		}
	closedir(d);
}

int sriov_pf_read(const char *root, const char *name, const char *dev, struct sriov_pf *pf)
{
	memset(pf, 0, sizeof *pf);
	if (!root || !*root)
		root = "/";
	if (!name || strlen(name) >= SRIOV_NAME_MAX || !dev || !*dev)
		return cfg_err_set("PF %s: no device given", name ? name : "?");
	snprintf(pf->name, sizeof pf->name, "%s", name);
	char p[PATH_MAX];
	if (is_pci(dev)) {
		snprintf(pf->pci, sizeof pf->pci, "%s", dev);
	} else {
		if (!is_ifname(dev))
			return cfg_err_set("PF %s: '%s' is neither a netdev nor a PCI address", name, dev);
		snprintf(pf->netdev, sizeof pf->netdev, "%s", dev);
		if (pathf(p, sizeof p, root, "/sys/class/net/%s%s", dev, NULL) < 0)
			return -1;
		if (access(p, F_OK) < 0)
			return cfg_err_set("PF %s: no device %s", name, dev);
		if (pathf(p, sizeof p, root, "/sys/class/net/%s/device", dev, NULL) < 0)
			return -1;
		int r = link_base(p, pf->pci, sizeof pf->pci);
		if (r < 0)
			return -1;
		if (r > 0 || !is_pci(pf->pci))
			return cfg_err_set("PF %s: %s is not a PCI device and does not support SR-IOV",
			                   name, dev);
	}
	char dir[PATH_MAX];
	if (pathf(dir, sizeof dir, root, "/sys/bus/pci/devices/%s%s", pf->pci, NULL) < 0)
		return -1;
	if (access(dir, F_OK) < 0)
		return cfg_err_set("PF %s: no device %s", name, dev);
	if (!pf->netdev[0])
		first_netdev(dir, pf->netdev, sizeof pf->netdev);
	if (snprintf(p, sizeof p, "%s/sriov_totalvfs", dir) >= (int)sizeof p)
		return cfg_err_set("sysfs path too long");
	int r = read_uint(p, &pf->total_vfs);
	if (r < 0)
		return -1;
	if (r > 0 || pf->total_vfs == 0)
		return cfg_err_set("PF %s: %s does not support SR-IOV (no virtual functions)", name,
		                   dev);
	if (pf->total_vfs > SRIOV_MAX_VFS)
		pf->total_vfs = SRIOV_MAX_VFS;
	if (snprintf(p, sizeof p, "%s/sriov_numvfs", dir) >= (int)sizeof p)
		return cfg_err_set("sysfs path too long");
	r = read_uint(p, &pf->num_vfs);
	if (r < 0)
		return -1;
	if (r > 0)
		return cfg_err_set("PF %s: %s has no sriov_numvfs", name, dev);
	return 0;
}

int sriov_pf_emulated(const char *name, unsigned count, struct sriov_pf *pf)
{
	memset(pf, 0, sizeof *pf);
	if (!name || !*name || strlen(name) >= SRIOV_NAME_MAX)
		return cfg_err_set("emulated PF: bad name");
	if (count < 1 || count > SRIOV_MAX_VFS)
		return cfg_err_set("PF %s: %u emulated virtual functions (1 to %d)", name, count,
		                   SRIOV_MAX_VFS);
	snprintf(pf->name, sizeof pf->name, "%s", name);
	pf->emulated = true;
	pf->total_vfs = pf->num_vfs = count;
	return 0;
}

int sriov_vf_read(const char *root, const struct sriov_pf *pf, unsigned index, struct sriov_vf *vf)
{
	memset(vf, 0, sizeof *vf);
	vf->index = index;
	if (index >= pf->num_vfs)
		return cfg_err_set("PF %s: virtual function %u is not enabled (%u of %u are)", pf->name,
		                   index, pf->num_vfs, pf->total_vfs);
	if (pf->emulated)
		return 0;
	if (!root || !*root)
		root = "/";
	char n[32], p[PATH_MAX];
	snprintf(n, sizeof n, "virtfn%u", index);
	if (pathf(p, sizeof p, root, "/sys/bus/pci/devices/%s/%s", pf->pci, n) < 0)
		return -1;
	int r = link_base(p, vf->pci, sizeof vf->pci);
	if (r < 0)
		return -1;
	if (r > 0 || !is_pci(vf->pci))
		return cfg_err_set("PF %s: virtual function %u has no PCI device (%s)", pf->name, index,
		                   n);
	if (pathf(p, sizeof p, root, "/sys/bus/pci/devices/%s%s", vf->pci, NULL) < 0)
		return -1;
	first_netdev(p, vf->netdev, sizeof vf->netdev);
	return 0;
}

static int write_numvfs(const char *path, const char *name, unsigned n)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC);
	if (fd < 0)
		return cfg_err_set("PF %s: cannot open sriov_numvfs: %s", name, strerror(errno));
	char buf[16];
	int l = snprintf(buf, sizeof buf, "%u\n", n);
	ssize_t w = write(fd, buf, (size_t)l);
	int e = errno;
	if (close(fd) < 0 && w == l) {
		w = -1;
		e = errno;
	}
	if (w != l)
		return cfg_err_set("PF %s: the kernel refused %u virtual functions: %s", name, n,
		                   strerror(w < 0 ? e : EIO));
	return 0;
}

int sriov_pf_enable(const char *root, struct sriov_pf *pf, unsigned want, bool in_use)
{
	if (want > pf->total_vfs)
		return cfg_err_set("PF %s: %u virtual functions needed, the device has %u", pf->name,
		                   want, pf->total_vfs);
	if (pf->emulated || want <= pf->num_vfs)
		return 0;
	if (!root || !*root)
		root = "/";
	char p[PATH_MAX];
	if (pathf(p, sizeof p, root, "/sys/bus/pci/devices/%s/sriov_numvfs", pf->pci, NULL) < 0)
		return -1;
	if (pf->num_vfs > 0) {
		if (in_use)
			return cfg_err_set("PF %s: %u virtual functions needed, %u are enabled and in use "
			                   "(the kernel changes the number only from 0)",
			                   pf->name, want, pf->num_vfs);
		if (write_numvfs(p, pf->name, 0) < 0)
			return -1;
	}
	if (write_numvfs(p, pf->name, want) < 0)
		return -1;
	unsigned now = 0;
	if (read_uint(p, &now) != 0)
		return cfg_err_set("PF %s: cannot read sriov_numvfs back", pf->name);
	pf->num_vfs = now;
	if (now < want)
		return cfg_err_set("PF %s: %u virtual functions enabled, %u needed", pf->name, now,
		                   want);
	return 0;
}

int sriov_pf_disable(const char *root, struct sriov_pf *pf)
{
	if (pf->emulated || pf->num_vfs == 0)
		return 0;
	if (!root || !*root)
		root = "/";
	char p[PATH_MAX];
	if (pathf(p, sizeof p, root, "/sys/bus/pci/devices/%s/sriov_numvfs", pf->pci, NULL) < 0)
		return -1;
	if (write_numvfs(p, pf->name, 0) < 0)
		return -1;
	pf->num_vfs = 0;
	return 0;
}
