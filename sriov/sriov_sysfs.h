/* sriov_sysfs — SR-IOV physical functions and their virtual functions as
 * the kernel shows them in sysfs, below a sysfs root that is a parameter
 * ("/" on a real machine; tests build a fake tree).
 *
 * This module owns reading a PF (by netdev name or PCI address) and its VFs,
 * and writing sriov_numvfs; nothing else of the NIC is touched. The files:
 *   ROOT/sys/class/net/NETDEV/device          -> the PF's PCI device
 *   ROOT/sys/bus/pci/devices/PCI/             the PF's PCI device, holding
 *       sriov_totalvfs                        how many VFs the NIC can have
 *       sriov_numvfs                          how many are enabled now
 *       net/NETDEV                            the PF's netdev
 *       virtfnN -> ../VF-PCI                  VF N (0 <= N < sriov_numvfs)
 *   ROOT/sys/bus/pci/devices/VF-PCI/net/NAME  the VF's netdev (absent while
 *                                             the VF is bound to vfio-pci)
 * A device without sriov_totalvfs does not support SR-IOV.
 *
 * Emulated PFs (no NIC has VFs on a lab machine) never come from sysfs:
 * sriov_pf_emulated() fills a PF that carries COUNT emulated VFs, which the
 * caller realises as tagged virtio ports (jdm_sriov). A real PF without VFs
 * is an error here, never an emulation.
 *
 * Ownership: everything is filled into caller-provided structs; nothing is
 * allocated. Errors follow cfg_err.h (-1 after cfg_err_set, naming the PF).
 */
#ifndef NFX_SRIOV_SYSFS_H
#define NFX_SRIOV_SYSFS_H

#include <stdbool.h>

#define SRIOV_NAME_MAX 16  /* IFNAMSIZ */
#define SRIOV_PCI_MAX 16   /* "0000:03:00.0" */
#define SRIOV_MAX_VFS 256  /* the most VFs nfx handles on one PF */

struct sriov_pf {
	char name[SRIOV_NAME_MAX];    /* the platform's name: "hsxe0" */
	char netdev[SRIOV_NAME_MAX];  /* the PF's netdev ("enp3s0f0"), "" if none */
	char pci[SRIOV_PCI_MAX];      /* the PF's PCI address, "" when emulated */
	bool emulated;                /* VFs are emulated (no sysfs behind it) */
	unsigned total_vfs;           /* sriov_totalvfs (emulated: the count) */
	unsigned num_vfs;             /* sriov_numvfs (emulated: the count) */
};

struct sriov_vf {
	unsigned index;               /* N of virtfnN */
	char pci[SRIOV_PCI_MAX];      /* the VF's PCI address, "" when emulated */
	char netdev[SRIOV_NAME_MAX];  /* the VF's netdev, "" when it has none */
};

/* Read the PF NAME whose device is DEV (a netdev name such as "enp3s0f0",
 * or a PCI address "0000:03:00.0") below the sysfs root ROOT into *PF.
 * 0, or -1 with cfg_err set: the device does not exist ("PF hsxe0: no
 * device enp3s0f0"), or it has no SR-IOV ("... does not support SR-IOV"),
 * or a file does not hold a number. */
int sriov_pf_read(const char *root, const char *name, const char *dev, struct sriov_pf *pf);

/* A PF NAME with COUNT emulated VFs (1..SRIOV_MAX_VFS). 0 or -1. */
int sriov_pf_emulated(const char *name, unsigned count, struct sriov_pf *pf);

/* VF INDEX of PF (read again from sysfs; emulated: index only). 0, or -1
 * with cfg_err set (INDEX >= sriov_numvfs, a missing virtfn link). */
int sriov_vf_read(const char *root, const struct sriov_pf *pf, unsigned index, struct sriov_vf *vf);

/* Make at least WANT VFs of PF enabled: nothing when sriov_numvfs already
 * is WANT or more; else write WANT to sriov_numvfs (the kernel needs 0
 * written first when some are enabled: then only when IN_USE is false, as
 * that removes the VFs that exist). pf->num_vfs is updated from sysfs.
 * Emulated PFs: nothing to do. 0, or -1 with cfg_err set (WANT above
 * sriov_totalvfs, the kernel refusing the write). */
int sriov_pf_enable(const char *root, struct sriov_pf *pf, unsigned want, bool in_use);

/* Disable every VF of PF (write 0 to sriov_numvfs): what jdmd does to put a
 * PF back when it enabled VFs for a commit that then failed, and no VF of
 * the PF is held. Emulated: nothing. 0, or -1 with cfg_err set. */
int sriov_pf_disable(const char *root, struct sriov_pf *pf);

#endif
