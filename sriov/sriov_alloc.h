/* sriov_alloc — which VNF interface holds which virtual function of which
 * PF, kept in the daemon's store so a VNF gets the same VF (and MAC) after a
 * restart of jdmd or a reboot of the box.
 *
 * This module owns the table (in memory) and its one record in the store:
 * the key-value pair SRIOV_ALLOC_KEY, one line per held VF,
 *   "PF VF VNF IFNAME MAC VLAN"     e.g. "hsxe0 0 vrtr1 eth2 30:b6:4f:.. 1100"
 * (VLAN 0: untagged). The whole table is one value, so it is written in one
 * SQLite statement: after a crash it is the old table or the new one.
 * Nothing here looks at sysfs or the kernel: the caller gives each PF's
 * number of VFs (sriov_sysfs) and sets up the VF itself (sriov_nl).
 *
 * Allocation takes the lowest free VF of the PF; an interface that already
 * holds one keeps it (its MAC too; the VLAN is updated). Claiming a given
 * VF that another interface holds is refused (a VF is never held twice).
 *
 * Ownership: sriov_alloc_new()/sriov_alloc_dup() return tables freed with
 * sriov_alloc_free() (NULL accepted); entries returned are owned by the
 * table and valid until it changes. The store is borrowed.
 */
#ifndef NFX_SRIOV_ALLOC_H
#define NFX_SRIOV_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg_store.h"

#define SRIOV_ALLOC_KEY "sriov vfs"

struct sriov_alloc_ent {
	char pf[16];       /* "hsxe0" */
	unsigned vf;       /* VF number on the PF */
	char vnf[40];      /* VNF name */
	char ifname[16];   /* VNF interface ("eth2") */
	char mac[18];      /* the VF's MAC "30:b6:4f:xx:xx:xx" */
	int vlan;          /* 802.1Q VLAN of the VF, 0 = untagged */
};

struct sriov_alloc;

struct sriov_alloc *sriov_alloc_new(void);
struct sriov_alloc *sriov_alloc_dup(const struct sriov_alloc *a);
void sriov_alloc_free(struct sriov_alloc *a);

/* Replace the table by the one in store ST (none stored: empty). 0, or -1
 * with cfg_err set (a store error; a damaged line is dropped with no error:
 * its VF is then free again). */
int sriov_alloc_load(struct sriov_alloc *a, struct cfg_store *st);
/* Write the table to ST (an empty table deletes the record). 0 or -1. */
int sriov_alloc_save(const struct sriov_alloc *a, struct cfg_store *st);
/* The table as its store text (malloc'ed, caller frees; "" when empty). */
char *sriov_alloc_text(const struct sriov_alloc *a);

size_t sriov_alloc_count(const struct sriov_alloc *a);
const struct sriov_alloc_ent *sriov_alloc_at(const struct sriov_alloc *a, size_t i);
/* The VF VNF/IFNAME holds on any PF, or NULL. */
const struct sriov_alloc_ent *sriov_alloc_find(const struct sriov_alloc *a, const char *vnf,
                                               const char *ifname);
/* Who holds VF of PF, or NULL. */
const struct sriov_alloc_ent *sriov_alloc_holder(const struct sriov_alloc *a, const char *pf,
                                                 unsigned vf);
/* How many VFs of PF are held; *HIGHEST (may be NULL) gets the highest VF
 * number held + 1 (0 when none): how many VFs must be enabled. */
unsigned sriov_alloc_used(const struct sriov_alloc *a, const char *pf, unsigned *highest);

/* VNF/IFNAME takes a VF of PF (which has TOTAL VFs): the one it holds on PF
 * already (VLAN updated; MAC kept unless it had none), else the lowest free
 * one, with MAC and VLAN. An interface holding a VF of another PF gives it
 * up first. The entry, or NULL with cfg_err set ("no free virtual function
 * on PF hsxe0 (all 8 in use)"). */
const struct sriov_alloc_ent *sriov_alloc_take(struct sriov_alloc *a, const char *pf,
                                               unsigned total, const char *vnf,
                                               const char *ifname, const char *mac, int vlan);
/* VNF/IFNAME takes VF of PF (as found in the store of an older table or
 * named by an operator). 0, or -1 with cfg_err set when another interface
 * holds it ("virtual function 3 of PF hsxe0 is already held by vnf2 eth2")
 * or VF >= TOTAL. */
int sriov_alloc_claim(struct sriov_alloc *a, const char *pf, unsigned total, unsigned vf,
                      const char *vnf, const char *ifname, const char *mac, int vlan);
/* VNF/IFNAME gives up its VF: true if it held one (*OUT, may be NULL, gets
 * the entry it was). */
bool sriov_alloc_release(struct sriov_alloc *a, const char *vnf, const char *ifname,
                         struct sriov_alloc_ent *out);

#endif
