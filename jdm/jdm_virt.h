/* jdm_virt — jdmd's libvirt connection and its event loop.
 *
 * libvirt's default event loop runs in a thread of its own (libvirt calls
 * lifecycle, stream and keepalive callbacks from there). Callbacks must not
 * touch jdmd's state: they hand work to jdmd's main loop with
 * jdm_virt_post(), which the main loop runs from the fd it watches
 * (jdm_virt_fd / jdm_virt_dispatch).
 *
 * URIs: "qemu:///system" (production, libvirtd), "qemu:///embed?root=DIR"
 * (in-process QEMU driver: jdm_virt_open writes DIR/etc/qemu.conf so QEMU runs
 * as root without cgroups or mount namespaces, which these machines lack),
 * "test:///default" (unit tests).
 *
 * Ownership: jdm_virt_open() returns a handle closed with jdm_virt_close()
 * (stops the thread, closes the connection). jdm_virt_conn() is borrowed.
 */
#ifndef NFX_JDM_VIRT_H
#define NFX_JDM_VIRT_H

#include <libvirt/libvirt.h>

struct jdm_virt;

/* Open URI. HUGEPAGE_DIR: hugetlbfs mount for the embed driver (or NULL).
 * NULL with cfg_err set (the libvirt error text) on failure. */
struct jdm_virt *jdm_virt_open(const char *uri, const char *hugepage_dir);
void jdm_virt_close(struct jdm_virt *v);
virConnectPtr jdm_virt_conn(const struct jdm_virt *v);
const char *jdm_virt_uri(const struct jdm_virt *v);

/* Run FN(ARG) on the main loop (callable from any thread). */
void jdm_virt_post(struct jdm_virt *v, void (*fn)(void *arg), void *arg);
/* The fd the main loop watches for POLLIN, and what it calls then. */
int jdm_virt_fd(const struct jdm_virt *v);
void jdm_virt_dispatch(struct jdm_virt *v);

/* The last libvirt error as text ("" if none), for operator messages. */
const char *jdm_virt_error(void);

#endif
