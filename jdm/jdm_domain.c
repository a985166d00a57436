/* jdm_domain — the libvirt domain XML of one VNF (see jdm_domain.h). */
#include "jdm_domain.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>

#include "cfg_err.h"

/* ------------------------------------------------------------ small helpers */

static int fill_random(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return cfg_err_set("cannot get random bytes: %s", strerror(errno));
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static uint64_t fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int jdm_domain_mac(const char *seed, char out[18])
{
	unsigned char b[3];
	if (seed) {
		uint64_t h = fnv1a64(seed);
		/* fold the 64 bits so every input byte counts */
		h ^= h >> 32;
		h ^= h >> 24;
		b[0] = (unsigned char)(h >> 16);
		b[1] = (unsigned char)(h >> 8);
		b[2] = (unsigned char)h;
	} else if (fill_random(b, sizeof b) < 0) {
		return -1;
	}
	snprintf(out, 18, JDM_DOMAIN_MAC_PREFIX ":%02x:%02x:%02x", b[0], b[1], b[2]);
	return 0;
}

int jdm_domain_uuid(char out[37])
{
	unsigned char u[16];
	if (fill_random(u, sizeof u) < 0)
		return -1;
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, 37,
	         "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
	         u[12], u[13], u[14], u[15]);
	return 0;
}

/* Linux dev_valid_name(): not "." or "..", no '/', ':' or white space. */
static bool ifname_char_ok(unsigned char c)
{
	return c > ' ' && c != '/' && c != ':' && c < 0x7f;
}

int jdm_domain_ifname(const char *want, char out[JDM_DOMAIN_IFNAME_MAX + 1])
{
	if (!want || !*want)
		return cfg_err_set("empty interface name");
	size_t len = strlen(want);
	bool ok = len <= JDM_DOMAIN_IFNAME_MAX && strcmp(want, ".") != 0 && strcmp(want, "..") != 0;
	for (size_t i = 0; ok && i < len; i++)
		ok = ifname_char_ok((unsigned char)want[i]);
	if (ok) {
		memcpy(out, want, len + 1);
		return 0;
	}
	uint64_t h = fnv1a64(want);
	unsigned h16 = (unsigned)((h ^ (h >> 16) ^ (h >> 32) ^ (h >> 48)) & 0xffff);
	size_t keep = len < JDM_DOMAIN_IFNAME_MAX - 5 ? len : JDM_DOMAIN_IFNAME_MAX - 5;
	for (size_t i = 0; i < keep; i++)
		out[i] = ifname_char_ok((unsigned char)want[i]) ? want[i] : '_';
	snprintf(out + keep, JDM_DOMAIN_IFNAME_MAX + 1 - keep, "-%04x", h16);
	return 0;
}

/* Text that may go into the XML: valid UTF-8 without control characters
 * (XML 1.0 cannot carry most of them, and none belongs in a name or path). */
static int check_text(const char *what, const char *s)
{
	if (!s)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return cfg_err_set("%s contains a control character", what);
	if (!xmlCheckUTF8((const xmlChar *)s))
		return cfg_err_set("%s is not valid UTF-8", what);
	return 0;
}

static bool is_mac(const char *s)
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (s[i] != ':')
				return false;
		} else if (!strchr("0123456789abcdefABCDEF", s[i])) {
			return false;
		}
	}
	return true;
}

static bool is_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!strchr("0123456789abcdefABCDEF", s[i])) {
			return false;
		}
	}
	return true;
}

/* "0000:03:10.2" or "03:10.2" */
static bool parse_pci(const char *s, unsigned *dom, unsigned *bus, unsigned *slot, unsigned *fn)
{
	int n = 0;
	*dom = 0;
	if (sscanf(s, "%x:%x:%x.%x%n", dom, bus, slot, fn, &n) == 4 && s[n] == '\0')
		return *dom <= 0xffff && *bus <= 0xff && *slot <= 0x1f && *fn <= 7;
	n = 0;
	*dom = 0;
	if (sscanf(s, "%x:%x.%x%n", bus, slot, fn, &n) == 3 && s[n] == '\0')
		return *bus <= 0xff && *slot <= 0x1f && *fn <= 7;
	return false;
}

/* ---------------------------------------------------------- XML building */

/* A builder with a sticky allocation failure: every helper passes NULL
 * through, and the failure is checked once at the end. */
struct bld {
	bool oom;
};

static xmlNodePtr el(struct bld *b, xmlNodePtr parent, const char *name)
{
	if (!parent)
		return NULL;
	xmlNodePtr n = xmlNewChild(parent, NULL, BAD_CAST name, NULL);
	if (!n)
		b->oom = true;
	return n;
}

/* Element with TEXT as its (escaped) text content. */
static xmlNodePtr el_text(struct bld *b, xmlNodePtr parent, const char *name, const char *text)
{
	if (!parent)
		return NULL;
	xmlNodePtr n = xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text);
	if (!n)
		b->oom = true;
	return n;
}

static void attr(struct bld *b, xmlNodePtr n, const char *name, const char *value)
{
	if (!n)
		return;
	/* xmlSetProp stores the raw value; the serializer escapes it */
	if (!xmlSetProp(n, BAD_CAST name, BAD_CAST value))
		b->oom = true;
}

static void attr_num(struct bld *b, xmlNodePtr n, const char *name, unsigned long long v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%llu", v);
	attr(b, n, name, buf);
}

static bool is_el(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

static xmlNodePtr first_child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
		if (is_el(c, name))
			return c;
	return NULL;
}

static bool has_element_children(xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

static void drop(xmlNodePtr n)
{
	if (n) {
		xmlUnlinkNode(n);
		xmlFreeNode(n);
	}
}

/* Remove every child element of PARENT named NAME except KEEP. */
static void drop_all(xmlNodePtr parent, const char *name, xmlNodePtr keep)
{
	xmlNodePtr c = parent ? parent->children : NULL;
	while (c) {
		xmlNodePtr next = c->next;
		if (c != keep && is_el(c, name))
			drop(c);
		c = next;
	}
}

/* A new, empty element NAME under PARENT: in the place of the first
 * existing one (all existing ones are removed), else appended. */
static xmlNodePtr el_replace(struct bld *b, xmlNodePtr parent, const char *name,
                             const char *text)
{
	if (!parent)
		return NULL;
	xmlNodePtr old = first_child(parent, name);
	xmlNodePtr n = xmlNewDocNode(parent->doc, NULL, BAD_CAST name, NULL);
	if (!n) {
		b->oom = true;
		return NULL;
	}
	if (text && !xmlAddChild(n, xmlNewDocText(parent->doc, BAD_CAST text))) {
		xmlFreeNode(n);
		b->oom = true;
		return NULL;
	}
	if (old) {
		xmlAddPrevSibling(old, n);
		drop_all(parent, name, n);
	} else {
		xmlAddChild(parent, n);
	}
	return n;
}

/* The first child element NAME of PARENT, created (appended) if missing. */
static xmlNodePtr el_get(struct bld *b, xmlNodePtr parent, const char *name)
{
	xmlNodePtr n = first_child(parent, name);
	return n ? n : el(b, parent, name);
}

/* ------------------------------------------------------------ validation */

static const char *accel_of(const struct jdm_domain_spec *s)
{
	return s->accel ? s->accel : "kvm";
}

static int check_spec(const struct jdm_domain_spec *s)
{
	if (!s->name || !*s->name)
		return cfg_err_set("VNF without a name");
	if (strchr(s->name, '/'))
		return cfg_err_set("VNF name '%s': libvirt does not accept '/' in a domain name",
		                   s->name);
	if (check_text("VNF name", s->name) < 0)
		return -1;
	const char *accel = accel_of(s);
	if (strcmp(accel, "kvm") != 0 && strcmp(accel, "tcg") != 0)
		return cfg_err_set("VNF %s: unknown accel '%s' (kvm or tcg)", s->name, accel);
	if (s->uuid && !is_uuid(s->uuid))
		return cfg_err_set("VNF %s: uuid '%s' is not of the form "
		                   "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", s->name, s->uuid);
	if (s->vcpus < 1)
		return cfg_err_set("VNF %s: needs at least 1 virtual CPU", s->name);
	if (s->memory_kib == 0)
		return cfg_err_set("VNF %s: memory size is 0", s->name);
	if (s->hugepages && s->hugepage_kib != 0 && s->hugepage_kib != 2048 &&
	    s->hugepage_kib != 1048576)
		return cfg_err_set("VNF %s: huge page size %u KiB (2048 or 1048576)", s->name,
		                   s->hugepage_kib);
	if (!s->image || !*s->image)
		return cfg_err_set("VNF %s: no image", s->name);
	if (check_text("image path", s->image) < 0)
		return -1;
	if (s->image_type && strcmp(s->image_type, "qcow2") != 0 &&
	    strcmp(s->image_type, "raw") != 0)
		return cfg_err_set("VNF %s: image type '%s' (qcow2 or raw)", s->name, s->image_type);
	if (s->bus && strcmp(s->bus, "virtio") != 0 && strcmp(s->bus, "ide") != 0)
		return cfg_err_set("VNF %s: bus type '%s' (virtio or ide)", s->name, s->bus);
	if (s->cache) {
		static const char *const modes[] = {"default", "none", "writethrough", "writeback",
		                                    "directsync", "unsafe"};
		bool ok = false;
		for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
			ok = ok || strcmp(s->cache, modes[i]) == 0;
		if (!ok)
			return cfg_err_set("VNF %s: driver cache '%s' is not a cache mode", s->name,
			                   s->cache);
	}
	for (size_t i = 0; i < s->n_storage; i++) {
		const struct jdm_domain_disk *d = &s->storage[i];
		if (!d->dev || strlen(d->dev) < 3 ||
		    (strncmp(d->dev, "vd", 2) != 0 && strncmp(d->dev, "hd", 2) != 0 &&
		     strncmp(d->dev, "sd", 2) != 0))
			return cfg_err_set("VNF %s: storage device '%s' (vdX, hdX or sdX)", s->name,
			                   d->dev ? d->dev : "");
		for (const char *p = d->dev + 2; *p; p++)
			if (*p < 'a' || *p > 'z')
				return cfg_err_set("VNF %s: storage device '%s' (vdX, hdX or sdX)",
				                   s->name, d->dev);
		if (d->type && strcmp(d->type, "disk") != 0 && strcmp(d->type, "cdrom") != 0)
			return cfg_err_set("VNF %s: storage %s type '%s' (disk or cdrom)", s->name,
			                   d->dev, d->type);
		if (!d->file || !*d->file)
			return cfg_err_set("VNF %s: storage %s has no source file", s->name, d->dev);
		if (check_text("storage file", d->file) < 0 || check_text("storage format", d->format) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(s->storage[j].dev, d->dev) == 0)
				return cfg_err_set("VNF %s: storage %s given twice", s->name, d->dev);
	}
	if (check_text("config-data disk", s->config_data_disk) < 0 ||
	    check_text("serial log", s->serial_log) < 0)
		return -1;
	for (size_t i = 0; i < s->n_nics; i++) {
		const struct jdm_domain_nic *n = &s->nics[i];
		const char *nn = n->name ? n->name : "?";
		if (n->mac && !is_mac(n->mac))
			return cfg_err_set("VNF %s interface %s: '%s' is not a MAC address", s->name, nn,
			                   n->mac);
		unsigned a, b, c, d;
		if (n->hostdev_pci && !parse_pci(n->hostdev_pci, &a, &b, &c, &d))
			return cfg_err_set("VNF %s interface %s: '%s' is not a PCI address", s->name, nn,
			                   n->hostdev_pci);
		if (n->vlan > 4095)
			return cfg_err_set("VNF %s interface %s: VLAN %d out of range", s->name, nn,
			                   n->vlan);
		for (size_t j = 0; j < n->n_trunk_vlans; j++)
			if (n->trunk_vlans[j] < 0 || n->trunk_vlans[j] > 4095)
				return cfg_err_set("VNF %s interface %s: VLAN %d out of range", s->name, nn,
				                   n->trunk_vlans[j]);
		if (check_text("interface name", n->name) < 0 || check_text("bridge", n->bridge) < 0 ||
		    check_text("OVS bridge", n->ovs_bridge) < 0 ||
		    check_text("vhost-user socket", n->vhostuser_socket) < 0 ||
		    check_text("tap name", n->target_dev) < 0 || check_text("NIC model", n->model) < 0)
			return -1;
		if (n->target_dev && !*n->target_dev)
			return cfg_err_set("VNF %s interface %s: empty tap name", s->name, nn);
	}
	return 0;
}

/* ------------------------------------------------------------- the parts */

static unsigned long long memory_kib(const struct jdm_domain_spec *s)
{
	unsigned long long m = s->memory_kib;
	/* guest memory backed by huge pages must be a whole number of pages */
	if (s->hugepages && s->hugepage_kib)
		m = (m + s->hugepage_kib - 1) / s->hugepage_kib * s->hugepage_kib;
	return m;
}

static bool any_vhostuser(const struct jdm_domain_spec *s)
{
	for (size_t i = 0; i < s->n_nics; i++)
		if (!s->nics[i].hostdev_pci && s->nics[i].vhostuser_socket)
			return true;
	return false;
}

static void put_memory_backing(struct bld *b, xmlNodePtr root, const struct jdm_domain_spec *s)
{
	bool shared = any_vhostuser(s);
	xmlNodePtr mb = first_child(root, "memoryBacking");
	if (mb) {
		drop_all(mb, "hugepages", NULL);
		if (shared) {
			drop_all(mb, "access", NULL);
			drop_all(mb, "source", NULL);
		}
	}
	if (!s->hugepages && !shared) {
		if (mb && !has_element_children(mb))
			drop(mb);
		return;
	}
	if (!mb)
		mb = el(b, root, "memoryBacking");
	if (s->hugepages) {
		xmlNodePtr hp = el(b, mb, "hugepages");
		if (s->hugepage_kib) {
			xmlNodePtr pg = el(b, hp, "page");
			attr_num(b, pg, "size", s->hugepage_kib);
			attr(b, pg, "unit", "KiB");
		}
	} else {
		/* vhost-user needs guest memory QEMU can share: memfd */
		attr(b, el(b, mb, "source"), "type", "memfd");
	}
	if (shared)
		attr(b, el(b, mb, "access"), "mode", "shared");
}

static void put_cputune(struct bld *b, xmlNodePtr root, const struct jdm_domain_spec *s)
{
	xmlNodePtr ct = first_child(root, "cputune");
	if (ct)
		drop_all(ct, "vcpupin", NULL);
	bool any = false;
	for (unsigned i = 0; s->pin && i < s->vcpus; i++)
		any = any || s->pin[i] >= 0;
	if (any) {
		if (!ct)
			ct = el(b, root, "cputune");
		/* vcpupin go first in libvirt's own order */
		xmlNodePtr first = ct ? ct->children : NULL;
		for (unsigned i = 0; i < s->vcpus; i++) {
			if (s->pin[i] < 0)
				continue;
			xmlNodePtr p = xmlNewDocNode(root->doc, NULL, BAD_CAST "vcpupin", NULL);
			if (!p) {
				b->oom = true;
				break;
			}
			if (first)
				xmlAddPrevSibling(first, p);
			else
				xmlAddChild(ct, p);
			attr_num(b, p, "vcpu", i);
			attr_num(b, p, "cpuset", (unsigned long long)s->pin[i]);
		}
	}
	if (ct && !has_element_children(ct))
		drop(ct);
}

static void put_cpu(struct bld *b, xmlNodePtr root, const struct jdm_domain_spec *s)
{
	bool kvm = strcmp(accel_of(s), "kvm") == 0;
	xmlNodePtr cpu = first_child(root, "cpu");
	if (cpu) {
		/* a descriptor's topology must match the vCPU count */
		xmlNodePtr topo = first_child(cpu, "topology");
		if (topo) {
			unsigned long long prod = 1;
			static const char *const dims[] = {"sockets", "dies", "cores", "threads"};
			for (size_t i = 0; i < 4; i++) {
				xmlChar *v = xmlGetProp(topo, BAD_CAST dims[i]);
				if (v)
					prod *= strtoull((const char *)v, NULL, 10);
				xmlFree(v);
			}
			if (prod != s->vcpus)
				drop(topo);
		}
	}
	if (kvm && s->host_passthrough) {
		if (!cpu)
			cpu = el(b, root, "cpu");
		if (cpu) {
			xmlUnsetProp(cpu, BAD_CAST "match");
			drop_all(cpu, "model", NULL);
			drop_all(cpu, "vendor", NULL);
		}
		attr(b, cpu, "mode", "host-passthrough");
		return;
	}
	if (!cpu)
		return;
	xmlChar *mode = xmlGetProp(cpu, BAD_CAST "mode");
	bool host = mode && (xmlStrEqual(mode, BAD_CAST "host-passthrough") ||
	                     xmlStrEqual(mode, BAD_CAST "host-model"));
	xmlFree(mode);
	/* TCG cannot give the host CPU; without hardware-virtualization the
	   descriptor's host CPU would expose VMX/SVM anyway */
	if (host) {
		xmlUnsetProp(cpu, BAD_CAST "mode");
		xmlUnsetProp(cpu, BAD_CAST "check");
		xmlUnsetProp(cpu, BAD_CAST "migratable");
		drop_all(cpu, "feature", NULL);
		drop_all(cpu, "cache", NULL);
		if (!has_element_children(cpu))
			drop(cpu);
	}
}

static const char *bus_of_dev(const char *dev)
{
	if (strncmp(dev, "hd", 2) == 0)
		return "ide";
	if (strncmp(dev, "sd", 2) == 0)
		return "sata";
	return "virtio";
}

static xmlNodePtr new_disk(struct bld *b, xmlDocPtr doc, const char *device, const char *format,
                           const char *cache, const char *file, const char *dev,
                           const char *bus, bool readonly)
{
	xmlNodePtr d = xmlNewDocNode(doc, NULL, BAD_CAST "disk", NULL);
	if (!d) {
		b->oom = true;
		return NULL;
	}
	attr(b, d, "type", "file");
	attr(b, d, "device", device);
	xmlNodePtr drv = el(b, d, "driver");
	attr(b, drv, "name", "qemu");
	attr(b, drv, "type", format);
	if (cache)
		attr(b, drv, "cache", cache);
	attr(b, el(b, d, "source"), "file", file);
	xmlNodePtr tg = el(b, d, "target");
	attr(b, tg, "dev", dev);
	attr(b, tg, "bus", bus);
	if (readonly)
		el(b, d, "readonly");
	return d;
}

/* Add the disks before ANCHOR (or at the end of DEVS). */
static int put_disks(struct bld *b, xmlNodePtr devs, xmlNodePtr anchor,
                     const struct jdm_domain_spec *s)
{
	bool ide = s->bus && strcmp(s->bus, "ide") == 0;
	const char *prefix = ide ? "hd" : "vd";
	const char *bus = ide ? "ide" : "virtio";
	char boot_dev[4] = {prefix[0], prefix[1], 'a', '\0'};
	xmlNodePtr disks[2 + s->n_storage];
	size_t nd = 0;

	for (size_t i = 0; i < s->n_storage; i++)
		if (strcmp(s->storage[i].dev, boot_dev) == 0)
			return cfg_err_set("VNF %s: storage %s is the device of the image", s->name,
			                   boot_dev);
	/* the config-data disk: the next free letter on the image's bus */
	char cdev[4] = {prefix[0], prefix[1], 'a', '\0'};
	if (s->config_data_disk) {
		for (;; cdev[2]++) {
			if (cdev[2] > 'z' || (ide && cdev[2] > 'd'))
				return cfg_err_set("VNF %s: no free %s device for the config-data disk",
				                   s->name, bus);
			bool used = strcmp(cdev, boot_dev) == 0;
			for (size_t i = 0; i < s->n_storage && !used; i++)
				used = strcmp(s->storage[i].dev, cdev) == 0;
			if (!used)
				break;
		}
	}
	disks[nd++] = new_disk(b, devs->doc, "disk", s->image_type ? s->image_type : "qcow2",
	                       s->cache, s->image, boot_dev, bus, false);
	for (size_t i = 0; i < s->n_storage; i++) {
		const struct jdm_domain_disk *d = &s->storage[i];
		bool cdrom = d->type && strcmp(d->type, "cdrom") == 0;
		const char *dbus = bus_of_dev(d->dev);
		if (cdrom && strcmp(dbus, "virtio") == 0)
			dbus = "sata"; /* QEMU has no virtio cdrom */
		disks[nd++] = new_disk(b, devs->doc, cdrom ? "cdrom" : "disk",
		                       d->format ? d->format : "raw", NULL, d->file, d->dev, dbus,
		                       cdrom);
	}
	if (s->config_data_disk)
		disks[nd++] = new_disk(b, devs->doc, "disk", "raw", NULL, s->config_data_disk, cdev,
		                       bus, true);
	for (size_t i = 0; i < nd; i++) {
		if (!disks[i])
			continue;
		if (anchor)
			xmlAddPrevSibling(anchor, disks[i]);
		else
			xmlAddChild(devs, disks[i]);
	}
	return 0;
}

/* libvirt user aliases: "ua-" and [A-Za-z0-9_-] */
static bool alias_ok(const char *s)
{
	if (!s || !*s || strlen(s) > 60)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

static void put_vlan(struct bld *b, xmlNodePtr ifc, const struct jdm_domain_nic *n)
{
	if (n->vlan > 0) {
		attr_num(b, el(b, el(b, ifc, "vlan"), "tag"), "id", (unsigned long long)n->vlan);
	} else if (n->n_trunk_vlans > 0) {
		xmlNodePtr v = el(b, ifc, "vlan");
		attr(b, v, "trunk", "yes");
		for (size_t i = 0; i < n->n_trunk_vlans; i++)
			attr_num(b, el(b, v, "tag"), "id", (unsigned long long)n->trunk_vlans[i]);
	}
}

static xmlNodePtr new_nic(struct bld *b, xmlDocPtr doc, const struct jdm_domain_nic *n)
{
	xmlNodePtr ifc = xmlNewDocNode(doc, NULL, BAD_CAST "interface", NULL);
	if (!ifc) {
		b->oom = true;
		return NULL;
	}
	if (n->hostdev_pci) {
		unsigned dom, bus, slot, fn;
		parse_pci(n->hostdev_pci, &dom, &bus, &slot, &fn);
		attr(b, ifc, "type", "hostdev");
		attr(b, ifc, "managed", "yes");
		if (n->mac)
			attr(b, el(b, ifc, "mac"), "address", n->mac);
		xmlNodePtr a = el(b, el(b, ifc, "source"), "address");
		char buf[16];
		attr(b, a, "type", "pci");
		snprintf(buf, sizeof buf, "0x%04x", dom);
		attr(b, a, "domain", buf);
		snprintf(buf, sizeof buf, "0x%02x", bus);
		attr(b, a, "bus", buf);
		snprintf(buf, sizeof buf, "0x%02x", slot);
		attr(b, a, "slot", buf);
		snprintf(buf, sizeof buf, "0x%x", fn);
		attr(b, a, "function", buf);
		if (n->vlan > 0)
			put_vlan(b, ifc, n);
	} else {
		if (n->vhostuser_socket) {
			attr(b, ifc, "type", "vhostuser");
		} else if (n->ovs_bridge || n->bridge) {
			attr(b, ifc, "type", "bridge");
		} else {
			attr(b, ifc, "type", "ethernet");
		}
		if (n->mac)
			attr(b, el(b, ifc, "mac"), "address", n->mac);
		if (n->vhostuser_socket) {
			xmlNodePtr src = el(b, ifc, "source");
			attr(b, src, "type", "unix");
			attr(b, src, "path", n->vhostuser_socket);
			/* OVS dpdkvhostuserclient ports connect to QEMU */
			attr(b, src, "mode", "server");
		} else if (n->ovs_bridge) {
			attr(b, el(b, ifc, "source"), "bridge", n->ovs_bridge);
			attr(b, el(b, ifc, "virtualport"), "type", "openvswitch");
			put_vlan(b, ifc, n);
		} else if (n->bridge) {
			attr(b, el(b, ifc, "source"), "bridge", n->bridge);
		}
		if (n->target_dev && !n->vhostuser_socket) {
			char tap[JDM_DOMAIN_IFNAME_MAX + 1];
			if (jdm_domain_ifname(n->target_dev, tap) == 0) {
				xmlNodePtr tg = el(b, ifc, "target");
				attr(b, tg, "dev", tap);
				if (!n->ovs_bridge && !n->bridge)
					attr(b, tg, "managed", n->tap_exists ? "no" : "yes");
			}
		}
		attr(b, el(b, ifc, "model"), "type", n->model ? n->model : "virtio");
		if (n->link_down)
			attr(b, el(b, ifc, "link"), "state", "down");
		if (n->mtu)
			attr_num(b, el(b, ifc, "mtu"), "size", n->mtu);
	}
	if (n->acpi_index)
		attr_num(b, el(b, ifc, "acpi"), "index", n->acpi_index);
	if (alias_ok(n->name)) {
		char al[80];
		snprintf(al, sizeof al, "ua-%s", n->name);
		attr(b, el(b, ifc, "alias"), "name", al);
	}
	return ifc;
}

static void put_console(struct bld *b, xmlNodePtr devs, const struct jdm_domain_spec *s)
{
	xmlNodePtr ser = el(b, devs, "serial");
	attr(b, ser, "type", "pty");
	if (s->serial_log) {
		xmlNodePtr lg = el(b, ser, "log");
		attr(b, lg, "file", s->serial_log);
		attr(b, lg, "append", "on");
	}
	attr(b, el(b, ser, "target"), "port", "0");
	xmlNodePtr con = el(b, devs, "console");
	attr(b, con, "type", "pty");
	xmlNodePtr tg = el(b, con, "target");
	attr(b, tg, "type", "serial");
	attr(b, tg, "port", "0");
}

static void put_os(struct bld *b, xmlNodePtr root)
{
	xmlNodePtr os = el(b, root, "os");
	attr(b, el_text(b, os, "type", "hvm"), "arch", "x86_64");
	attr(b, el(b, os, "boot"), "dev", "hd");
}

/* ------------------------------------------------------------ descriptor */

/* Entity references (never expanded: no XML_PARSE_NOENT) and the DTD do
 * not go to libvirt. */
static void strip_entities(xmlNodePtr n)
{
	while (n) {
		xmlNodePtr next = n->next;
		if (n->type == XML_ENTITY_REF_NODE)
			drop(n);
		else if (n->type == XML_ELEMENT_NODE)
			strip_entities(n->children);
		n = next;
	}
}

/* What a descriptor must not decide: who QEMU runs as and what libvirt
 * relabels (<seclabel>, also per device), which binary runs (<emulator>),
 * anything outside libvirt's own vocabulary (elements in another namespace:
 * <qemu:commandline> passes raw arguments to QEMU), and which host files
 * or devices QEMU opens — libvirt (root) would chown them to QEMU's user:
 * kernel, initrd, dtb, loader and nvram paths of <os>, chardev logs and
 * sources other than a pty, and every device that is not on the short list
 * of those that name no host path (disks and interfaces are the spec's). */
static bool prop_is(xmlNodePtr n, const char *name, const char *value)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	bool eq = v && xmlStrEqual(v, BAD_CAST value);
	xmlFree(v);
	return eq;
}

static bool device_ok(xmlNodePtr d)
{
	static const char *const plain[] = {"controller", "video", "sound", "audio", "watchdog",
	                                    "memballoon", "panic", "iommu", "vsock", "disk",
	                                    "interface"};
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (is_el(d, plain[i]))
			return true;
	if (is_el(d, "input"))
		return !prop_is(d, "type", "passthrough") && !prop_is(d, "type", "evdev");
	if (is_el(d, "serial") || is_el(d, "console") || is_el(d, "parallel"))
		return prop_is(d, "type", "pty");
	if (is_el(d, "channel")) /* guest agent: libvirt picks the socket path */
		return (prop_is(d, "type", "unix") && !first_child(d, "source")) ||
		       prop_is(d, "type", "spicevmc");
	if (is_el(d, "rng")) {
		xmlNodePtr be = first_child(d, "backend");
		if (!be || !prop_is(be, "model", "random"))
			return false;
		xmlChar *t = xmlNodeGetContent(be);
		bool ok = !t || !*t || xmlStrEqual(t, BAD_CAST "/dev/urandom") ||
		          xmlStrEqual(t, BAD_CAST "/dev/random");
		xmlFree(t);
		return ok;
	}
	return false;
}

static void strip_privileges(xmlNodePtr n)
{
	while (n) {
		xmlNodePtr next = n->next;
		xmlNodePtr parent = n->parent;
		bool bad = false;
		if (n->type == XML_ELEMENT_NODE) {
			bad = n->ns || is_el(n, "seclabel") || is_el(n, "log");
			if (!bad && parent && is_el(parent, "devices"))
				bad = is_el(n, "emulator") || !device_ok(n);
			if (!bad && parent && is_el(parent, "os"))
				bad = is_el(n, "kernel") || is_el(n, "initrd") || is_el(n, "dtb") ||
				      is_el(n, "loader") || is_el(n, "nvram");
		}
		if (bad)
			drop(n);
		else if (n->type == XML_ELEMENT_NODE)
			strip_privileges(n->children);
		n = next;
	}
}

static xmlDocPtr parse_descriptor(const char *name, const char *text)
{
	xmlParserCtxtPtr ctx = xmlNewParserCtxt();
	if (!ctx) {
		cfg_err_set("out of memory");
		return NULL;
	}
	/* no network, no external entities or DTDs, errors kept, not printed */
	xmlDocPtr doc = xmlCtxtReadMemory(ctx, text, (int)strlen(text), "init-descriptor", NULL,
	                                  XML_PARSE_NONET | XML_PARSE_NOBLANKS |
	                                          XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(ctx);
		char msg[256] = "not well-formed";
		if (e && e->message) {
			snprintf(msg, sizeof msg, "%s", e->message);
			size_t l = strlen(msg);
			while (l > 0 && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
				msg[--l] = '\0';
		}
		cfg_err_set("VNF %s: init-descriptor is not valid XML (line %d: %s)", name,
		            e ? e->line : 0, msg);
		xmlFreeParserCtxt(ctx);
		return NULL;
	}
	xmlFreeParserCtxt(ctx);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!is_el(root, "domain") || root->ns) {
		cfg_err_set("VNF %s: init-descriptor is not a libvirt <domain> description", name);
		xmlFreeDoc(doc);
		return NULL;
	}
	strip_entities(root);
	strip_privileges(root);
	xmlDtdPtr dtd = xmlGetIntSubset(doc);
	if (dtd) {
		xmlUnlinkNode((xmlNodePtr)dtd);
		xmlFreeDtd(dtd);
	}
	return doc;
}

/* ----------------------------------------------------------------- build */

int jdm_domain_xml(const struct jdm_domain_spec *s, char **xml)
{
	*xml = NULL;
	if (!s)
		return cfg_err_set("no domain specification");
	if (check_spec(s) < 0)
		return -1;

	struct bld bb = {0}, *b = &bb;
	bool kvm = strcmp(accel_of(s), "kvm") == 0;
	bool from_descr = s->init_descriptor_xml != NULL;
	xmlDocPtr doc;
	xmlNodePtr root;
	if (from_descr) {
		doc = parse_descriptor(s->name, s->init_descriptor_xml);
		if (!doc)
			return -1;
		root = xmlDocGetRootElement(doc);
	} else {
		doc = xmlNewDoc(BAD_CAST "1.0");
		root = doc ? xmlNewDocNode(doc, NULL, BAD_CAST "domain", NULL) : NULL;
		if (!root) {
			xmlFreeDoc(doc);
			return cfg_err_set("out of memory");
		}
		xmlDocSetRootElement(doc, root);
	}
	attr(b, root, "type", kvm ? "kvm" : "qemu");

	unsigned long long mem = memory_kib(s);
	el_replace(b, root, "name", s->name);
	if (s->uuid)
		el_replace(b, root, "uuid", s->uuid);
	else
		drop_all(root, "uuid", NULL);
	{
		char buf[32];
		snprintf(buf, sizeof buf, "%llu", mem);
		attr(b, el_replace(b, root, "memory", buf), "unit", "KiB");
		attr(b, el_replace(b, root, "currentMemory", buf), "unit", "KiB");
		snprintf(buf, sizeof buf, "%u", s->vcpus);
		xmlNodePtr vc = el_replace(b, root, "vcpu", buf);
		attr(b, vc, "placement", "static");
		drop_all(root, "vcpus", NULL);
	}
	put_cputune(b, root, s);
	put_memory_backing(b, root, s);
	if (!first_child(root, "os"))
		put_os(b, root);
	if (!from_descr) {
		xmlNodePtr f = el(b, root, "features");
		el(b, f, "acpi");
		el(b, f, "apic");
	}
	put_cpu(b, root, s);
	if (!from_descr) {
		el_text(b, root, "on_poweroff", "destroy");
		el_text(b, root, "on_reboot", "restart");
	}
	if (!first_child(root, "on_crash"))
		el_text(b, root, "on_crash", "destroy");

	xmlNodePtr devs = el_get(b, root, "devices");
	if (devs) {
		/* disks where the descriptor had its first one (else first),
		   interfaces where it had its first one (else after the disks) */
		xmlNodePtr d0 = first_child(devs, "disk");
		xmlNodePtr i0 = first_child(devs, "interface");
		xmlNodePtr mark_d = xmlNewDocNode(doc, NULL, BAD_CAST "jdm-disks", NULL);
		xmlNodePtr mark_i = xmlNewDocNode(doc, NULL, BAD_CAST "jdm-nics", NULL);
		if (!mark_d || !mark_i) {
			xmlFreeNode(mark_d);
			xmlFreeNode(mark_i);
			b->oom = true;
		} else {
			xmlNodePtr em = first_child(devs, "emulator");
			if (d0)
				xmlAddPrevSibling(d0, mark_d);
			else if (em)
				xmlAddNextSibling(em, mark_d);
			else if (devs->children)
				xmlAddPrevSibling(devs->children, mark_d);
			else
				xmlAddChild(devs, mark_d);
			if (i0)
				xmlAddPrevSibling(i0, mark_i);
			else
				xmlAddNextSibling(mark_d, mark_i);
			drop_all(devs, "disk", NULL);
			drop_all(devs, "interface", NULL);
			if (put_disks(b, devs, mark_d, s) < 0) {
				xmlFreeDoc(doc);
				return -1;
			}
			for (size_t i = 0; i < s->n_nics; i++) {
				xmlNodePtr n = new_nic(b, doc, &s->nics[i]);
				if (n)
					xmlAddPrevSibling(mark_i, n);
			}
			drop(mark_d);
			drop(mark_i);
		}
		if (!first_child(devs, "serial") && !first_child(devs, "console"))
			put_console(b, devs, s);
		if (!first_child(devs, "memballoon"))
			attr(b, el(b, devs, "memballoon"), "model", "none");
	}

	if (b->oom) {
		xmlFreeDoc(doc);
		return cfg_err_set("out of memory building the domain XML of VNF %s", s->name);
	}
	xmlChar *mem_out = NULL;
	int len = 0;
	xmlDocDumpFormatMemoryEnc(doc, &mem_out, &len, "UTF-8", 1);
	xmlFreeDoc(doc);
	if (!mem_out)
		return cfg_err_set("out of memory writing the domain XML of VNF %s", s->name);
	*xml = strndup((const char *)mem_out, (size_t)len);
	xmlFree(mem_out);
	if (!*xml)
		return cfg_err_set("out of memory");
	return 0;
}
