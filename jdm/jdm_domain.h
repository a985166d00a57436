/* jdm_domain — the libvirt domain XML of one VNF.
 *
 * The lifecycle code fills a struct jdm_domain_spec from the committed
 * configuration (and the image store, the OVS/SR-IOV allocations) and calls
 * jdm_domain_xml(). The XML is built with libxml2, never by pasting user
 * text into a string, so names and paths with quotes, `&` or `<` come out
 * escaped.
 *
 * What the XML holds (from scratch):
 *   <domain type='kvm'|'qemu'>  name, uuid, memory/currentMemory (KiB),
 *   vcpu, cputune/vcpupin, memoryBacking/hugepages (+ access shared for
 *   vhost-user), os hvm booting from the first disk, features acpi/apic,
 *   cpu host-passthrough (KVM + hardware-virtualization only),
 *   on_poweroff destroy / on_reboot restart / on_crash destroy, devices:
 *   the image disk (vda or hda), extra storage, the config-data disk
 *   (readonly), interfaces, a pty serial console (optionally logged),
 *   memballoon none, no graphics.
 *
 * With init_descriptor_xml (the VNF's `init-descriptor` file) that XML is
 * the starting point: the domain type, name, uuid, memory, currentMemory,
 * vcpu, vcpupin, memoryBacking, all <disk> and all <interface> elements are
 * replaced by the spec; everything else of the descriptor is kept (a serial
 * console, os, on_crash and memballoon none are added only when it has none;
 * a host-passthrough or host-model <cpu> mode is dropped unless KVM with
 * hardware-virtualization, which makes it host-passthrough; a <topology> that
 * does not multiply to the vCPU count is dropped; entity references and the
 * DTD are dropped, never expanded). A descriptor names no privilege and no
 * host file: every <seclabel>, <emulator>, element of another XML namespace
 * (<qemu:commandline>), chardev <log>, <os> kernel/initrd/dtb/loader/nvram,
 * and every device but controller, video, sound, audio, watchdog,
 * memballoon, panic, iommu, vsock, input (not passthrough/evdev), a pty
 * serial/console/parallel, a guest-agent channel without a source path and
 * an rng from /dev/(u)random is dropped: QEMU runs as the driver's
 * unprivileged user with its labelling, whatever the descriptor says.
 *
 * Ownership: the spec and everything it points to are borrowed; the XML
 * string returned is the caller's (free()).
 */
#ifndef NFX_JDM_DOMAIN_H
#define NFX_JDM_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

/* Memory of a VNF without `memory size` (KiB). */
#define JDM_DOMAIN_DEFAULT_MEMORY_KIB 1048576ULL
/* Organisationally unique prefix of generated MAC addresses (as on the NFX). */
#define JDM_DOMAIN_MAC_PREFIX "30:b6:4f"
/* Longest network interface name Linux accepts (IFNAMSIZ - 1). */
#define JDM_DOMAIN_IFNAME_MAX 15

/* One extra disk (`storage <dev> type <disk|cdrom> source file <path>`). */
struct jdm_domain_disk {
	const char *dev;  /* target: vdb, hdc, sdb ... (bus from the prefix: vd virtio,
	                     hd ide, sd sata) */
	const char *type; /* "disk" (default when NULL) or "cdrom" (readonly; a vdX
	                     cdrom goes on the sata bus, QEMU has no virtio cdrom) */
	const char *file; /* source file */
	const char *format; /* driver type: "raw" when NULL ("qcow2" possible) */
};

/* One VNF interface. Exactly one back end is used, the first set of:
 * hostdev_pci (SR-IOV VF), vhostuser_socket (OVS-DPDK dpdkvhostuserclient:
 * QEMU is the socket server), ovs_bridge (libvirt adds the tap to OVS),
 * bridge (Linux bridge); none of them: type='ethernet' (a tap named
 * target_dev that jdmd plugs in itself, e.g. through OVSDB). */
struct jdm_domain_nic {
	const char *name;       /* "eth0" (informational; used for the alias) */
	const char *mac;        /* "30:b6:4f:12:34:56" or NULL (libvirt picks one) */
	const char *bridge;     /* Linux bridge */
	const char *ovs_bridge; /* OVS bridge (<virtualport type='openvswitch'/>) */
	const char *vhostuser_socket; /* vhost-user socket path */
	const char *hostdev_pci; /* VF PCI address "0000:03:10.2" */
	int vlan;               /* access VLAN tag (OVS or VF) or -1 / 0 for none */
	const int *trunk_vlans; /* OVS trunk: allowed tags (vlan < 0), or NULL */
	size_t n_trunk_vlans;
	const char *target_dev; /* tap name, e.g. "vrtr1_eth0"; longer than 15
	                           characters or with characters Linux refuses it is
	                           shortened by jdm_domain_ifname(); NULL: libvirt's */
	const char *model;      /* "virtio" when NULL (not used for hostdev) */
	bool link_down;         /* <link state='down'/> (`link disable`) */
	bool tap_exists;        /* type='ethernet': target_dev is a tap jdmd made
	                           (host-os switch port): <target managed='no'/> */
	unsigned acpi_index;    /* <acpi index='N'/> (the guest's ethN-1), 0: none */
	unsigned mtu;           /* 0 = default */
};

struct jdm_domain_spec {
	const char *name;       /* domain name = VNF name (no '/') */
	const char *uuid;       /* "xxxxxxxx-xxxx-..." or NULL (libvirt picks one) */
	const char *accel;      /* "kvm" (default when NULL) or "tcg" */
	unsigned vcpus;         /* >= 1 */
	const int *pin;         /* vcpus entries: physical CPU of each vCPU or -1;
	                           NULL = no pinning */
	bool host_passthrough;  /* `virtual-cpu features hardware-virtualization` */
	unsigned long long memory_kib; /* > 0 */
	bool hugepages;         /* back the memory with huge pages */
	unsigned hugepage_kib;  /* 2048 or 1048576 (0 = the host default size) */
	const char *image;      /* boot disk file (required) */
	const char *image_type; /* "qcow2" (default when NULL) or "raw" */
	const char *bus;        /* "virtio" (default when NULL) or "ide" */
	const char *cache;      /* driver cache mode or NULL (libvirt default) */
	const struct jdm_domain_disk *storage;
	size_t n_storage;
	const char *config_data_disk; /* raw/ISO image with the day-0 files, or NULL */
	const struct jdm_domain_nic *nics;
	size_t n_nics;
	const char *serial_log; /* file logging the serial console, or NULL */
	const char *init_descriptor_xml; /* starting point XML text, or NULL */
};

/* Build the domain XML of S into *XML (NUL-terminated UTF-8; the caller
 * free()s it). Returns 0, or -1 with cfg_err set (what is wrong with the
 * spec, or why the init descriptor cannot be used). */
int jdm_domain_xml(const struct jdm_domain_spec *s, char **xml);

/* A MAC address "30:b6:4f:xx:xx:xx" into OUT. SEED NULL: random (getrandom);
 * otherwise derived from the string SEED (e.g. "vrtr1 eth2"), so the same
 * VNF interface gets the same address after every restart. 0 or -1. */
int jdm_domain_mac(const char *seed, char out[18]);

/* A random (version 4) UUID "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" into OUT. */
int jdm_domain_uuid(char out[37]);

/* The tap name for WANT (e.g. "vrtr1_eth0") into OUT: WANT itself when it is
 * a valid Linux interface name of at most 15 characters; otherwise the same
 * every time: the first characters with the ones Linux refuses ('/', ':',
 * blanks) replaced by '_', then '-' and 4 hex digits of a hash of WANT.
 * Returns 0, or -1 when WANT is empty. */
int jdm_domain_ifname(const char *want, char out[JDM_DOMAIN_IFNAME_MAX + 1]);

#endif
