/* jdm_domain: the domain XML parsed back with libxml2 and checked with
 * XPath; escaping of odd names and paths; the init descriptor as starting
 * point; MAC/UUID/tap name helpers; libvirt's test driver accepts every XML
 * (virDomainDefineXML + virDomainGetXMLDesc) and so does virt-xml-validate
 * when installed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "cfg_err.h"
#include "jdm_domain.h"

/* --------------------------------------------------------------- helpers */

static char *build(const struct jdm_domain_spec *s)
{
	char *xml = NULL;
	if (jdm_domain_xml(s, &xml) < 0)
		fail_msg("jdm_domain_xml: %s", cfg_err_msg());
	assert_non_null(xml);
	return xml;
}

struct xp {
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
};

static struct xp parse(const char *xml)
{
	struct xp x;
	x.doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL, XML_PARSE_NONET);
	if (!x.doc)
		fail_msg("output is not XML:\n%s", xml);
	x.ctx = xmlXPathNewContext(x.doc);
	assert_non_null(x.ctx);
	return x;
}

static void xp_free(struct xp *x)
{
	xmlXPathFreeContext(x->ctx);
	xmlFreeDoc(x->doc);
}

/* string(EXPR); caller frees */
static char *xs(struct xp *x, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, x->ctx);
	if (!o)
		fail_msg("bad xpath %s", expr);
	xmlChar *s = xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	char *r = strdup((const char *)s);
	xmlFree(s);
	return r;
}

static double xn(struct xp *x, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, x->ctx);
	if (!o)
		fail_msg("bad xpath %s", expr);
	double d = xmlXPathCastToNumber(o);
	xmlXPathFreeObject(o);
	return d;
}

#define assert_xs(x, expr, want)                                                      \
	do {                                                                          \
		char *got_ = xs((x), (expr));                                         \
		if (strcmp(got_, (want)) != 0)                                        \
			fail_msg("%s: got '%s', want '%s'", (expr), got_, (want));    \
		free(got_);                                                           \
	} while (0)

#define assert_xn(x, expr, want)                                                      \
	do {                                                                          \
		double got_ = xn((x), (expr));                                        \
		if (got_ != (double)(want))                                           \
			fail_msg("%s: got %g, want %g", (expr), got_, (double)(want));  \
	} while (0)

/* ------------------------------------------------ libvirt and validation */

static void quiet_virt_error(void *ud, virErrorPtr e)
{
	(void)ud;
	(void)e;
}

/* Define XML in libvirt's test driver, read it back, check the name. */
static void libvirt_accepts(const char *xml, const char *name)
{
	virSetErrorFunc(NULL, quiet_virt_error);
	virConnectPtr c = virConnectOpen("test:///default");
	if (!c)
		fail_msg("test:///default: %s", virGetLastErrorMessage());
	virDomainPtr d = virDomainDefineXML(c, xml);
	if (!d)
		fail_msg("libvirt refuses the XML: %s\n%s", virGetLastErrorMessage(), xml);
	assert_string_equal(virDomainGetName(d), name);
	char *back = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
	assert_non_null(back);
	struct xp x = parse(back);
	char *n = xs(&x, "string(/domain/name)");
	assert_string_equal(n, name);
	free(n);
	xp_free(&x);
	free(back);
	assert_int_equal(virDomainUndefine(d), 0);
	virDomainFree(d);
	virConnectClose(c);
}

static const char *find_in_path(const char *prog, char *buf, size_t n)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t l = strcspn(path, ":");
		snprintf(buf, n, "%.*s/%s", (int)l, path, prog);
		if (access(buf, X_OK) == 0)
			return buf;
		path += l;
		if (*path == ':')
			path++;
	}
	return NULL;
}

/* virt-xml-validate FILE domain (when installed): must exit 0. */
static void schema_accepts(const char *xml)
{
	char prog[512];
	if (!find_in_path("virt-xml-validate", prog, sizeof prog))
		return;
	char tmp[] = "/tmp/nfx-test-domain-XXXXXX";
	char log[] = "/tmp/nfx-test-domain-log-XXXXXX";
	int fd = mkstemp(tmp);
	int lfd = mkstemp(log);
	assert_true(fd >= 0 && lfd >= 0);
	size_t len = strlen(xml);
	assert_int_equal(write(fd, xml, len), (ssize_t)len);
	close(fd);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* "FILE validates" and the reasons go to the log */
		dup2(lfd, 1);
		dup2(lfd, 2);
		char *argv[] = {prog, tmp, (char *)"domain", NULL};
		execv(prog, argv);
		_exit(127);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	char why[4096] = "";
	ssize_t n = pread(lfd, why, sizeof why - 1, 0);
	why[n > 0 ? n : 0] = '\0';
	close(lfd);
	unlink(tmp);
	unlink(log);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("virt-xml-validate refuses the XML:\n%s\n%s", why, xml);
}

static void accepted(const char *xml, const char *name)
{
	libvirt_accepts(xml, name);
	schema_accepts(xml);
}

/* ------------------------------------------------------------- fixtures */

static const int pins[] = {2, -1, 3};

static struct jdm_domain_nic full_nics[] = {
	{.name = "eth0", .mac = "30:b6:4f:00:00:01", .bridge = "virbr-int",
	 .target_dev = "vrtr1_eth0", .vlan = -1},
	{.name = "eth1", .mac = "30:b6:4f:00:00:02", .bridge = "mgmt-br",
	 .target_dev = "vrtr1_eth1", .vlan = -1, .link_down = true},
	{.name = "eth2", .mac = "30:b6:4f:00:00:03", .ovs_bridge = "ovs-sys-br", .vlan = 1100,
	 .target_dev = "a-very-long-vnf-name_eth2", .mtu = 9000},
};

static const struct jdm_domain_disk full_storage[] = {
	{.dev = "vdb", .type = "disk", .file = "/var/third-party/data.img"},
	{.dev = "hdc", .type = "cdrom", .file = "/var/third-party/tools.iso"},
};

static struct jdm_domain_spec full_spec(void)
{
	struct jdm_domain_spec s = {
		.name = "vrtr1",
		.uuid = "6f9a3d6e-2b1c-4c5e-9a3b-1d2e3f405162",
		.accel = "kvm",
		.vcpus = 3,
		.pin = pins,
		.host_passthrough = true,
		.memory_kib = 4194304,
		.hugepages = true,
		.hugepage_kib = 2048,
		.image = "/var/third-party/images/vrtr1.qcow2",
		.image_type = "qcow2",
		.bus = "virtio",
		.cache = "none",
		.storage = full_storage,
		.n_storage = 2,
		.config_data_disk = "/var/run/jdm/vrtr1-config.iso",
		.nics = full_nics,
		.n_nics = 3,
		.serial_log = "/var/log/vnf/vrtr1.console.log",
	};
	return s;
}

/* ---------------------------------------------------------------- tests */

static void full_domain(void **state)
{
	(void)state;
	struct jdm_domain_spec s = full_spec();
	char *xml = build(&s);
	struct xp x = parse(xml);

	assert_xs(&x, "string(/domain/@type)", "kvm");
	assert_xs(&x, "string(/domain/name)", "vrtr1");
	assert_xs(&x, "string(/domain/uuid)", "6f9a3d6e-2b1c-4c5e-9a3b-1d2e3f405162");
	assert_xs(&x, "string(/domain/memory)", "4194304");
	assert_xs(&x, "string(/domain/memory/@unit)", "KiB");
	assert_xs(&x, "string(/domain/currentMemory)", "4194304");
	assert_xs(&x, "string(/domain/vcpu)", "3");
	/* vcpu 1 is not pinned */
	assert_xn(&x, "count(/domain/cputune/vcpupin)", 2);
	assert_xs(&x, "string(/domain/cputune/vcpupin[@vcpu='0']/@cpuset)", "2");
	assert_xs(&x, "string(/domain/cputune/vcpupin[@vcpu='2']/@cpuset)", "3");
	assert_xs(&x, "string(/domain/cpu/@mode)", "host-passthrough");
	assert_xs(&x, "string(/domain/memoryBacking/hugepages/page/@size)", "2048");
	assert_xs(&x, "string(/domain/memoryBacking/hugepages/page/@unit)", "KiB");
	assert_xn(&x, "count(/domain/memoryBacking/access)", 0);
	assert_xs(&x, "string(/domain/os/type)", "hvm");
	assert_xs(&x, "string(/domain/os/boot/@dev)", "hd");
	assert_xs(&x, "string(/domain/on_crash)", "destroy");

	/* disks: image first (boot), then storage, then config-data */
	assert_xn(&x, "count(/domain/devices/disk)", 4);
	assert_xs(&x, "string(/domain/devices/disk[1]/target/@dev)", "vda");
	assert_xs(&x, "string(/domain/devices/disk[1]/target/@bus)", "virtio");
	assert_xs(&x, "string(/domain/devices/disk[1]/driver/@type)", "qcow2");
	assert_xs(&x, "string(/domain/devices/disk[1]/driver/@cache)", "none");
	assert_xs(&x, "string(/domain/devices/disk[1]/source/@file)",
	          "/var/third-party/images/vrtr1.qcow2");
	assert_xn(&x, "count(/domain/devices/disk[1]/readonly)", 0);
	assert_xs(&x, "string(/domain/devices/disk[2]/target/@dev)", "vdb");
	assert_xs(&x, "string(/domain/devices/disk[2]/driver/@type)", "raw");
	assert_xs(&x, "string(/domain/devices/disk[3]/@device)", "cdrom");
	assert_xs(&x, "string(/domain/devices/disk[3]/target/@bus)", "ide");
	assert_xn(&x, "count(/domain/devices/disk[3]/readonly)", 1);
	/* config-data: next free vdX, readonly raw */
	assert_xs(&x, "string(/domain/devices/disk[4]/target/@dev)", "vdc");
	assert_xs(&x, "string(/domain/devices/disk[4]/source/@file)", "/var/run/jdm/vrtr1-config.iso");
	assert_xn(&x, "count(/domain/devices/disk[4]/readonly)", 1);

	/* interfaces */
	assert_xn(&x, "count(/domain/devices/interface)", 3);
	assert_xs(&x, "string(/domain/devices/interface[1]/@type)", "bridge");
	assert_xs(&x, "string(/domain/devices/interface[1]/source/@bridge)", "virbr-int");
	assert_xs(&x, "string(/domain/devices/interface[1]/mac/@address)", "30:b6:4f:00:00:01");
	assert_xs(&x, "string(/domain/devices/interface[1]/model/@type)", "virtio");
	assert_xs(&x, "string(/domain/devices/interface[1]/target/@dev)", "vrtr1_eth0");
	assert_xs(&x, "string(/domain/devices/interface[1]/alias/@name)", "ua-eth0");
	assert_xn(&x, "count(/domain/devices/interface[1]/virtualport)", 0);
	assert_xn(&x, "count(/domain/devices/interface[1]/link)", 0);
	assert_xs(&x, "string(/domain/devices/interface[2]/link/@state)", "down");
	assert_xs(&x, "string(/domain/devices/interface[3]/source/@bridge)", "ovs-sys-br");
	assert_xs(&x, "string(/domain/devices/interface[3]/virtualport/@type)", "openvswitch");
	assert_xs(&x, "string(/domain/devices/interface[3]/vlan/tag/@id)", "1100");
	assert_xs(&x, "string(/domain/devices/interface[3]/mtu/@size)", "9000");
	/* the tap name was too long: shortened to 15 characters */
	char *tap = xs(&x, "string(/domain/devices/interface[3]/target/@dev)");
	assert_int_equal(strlen(tap), 15);
	assert_memory_equal(tap, "a-very-lon-", 11);
	free(tap);

	/* console, balloon, no graphics */
	assert_xs(&x, "string(/domain/devices/serial/@type)", "pty");
	assert_xs(&x, "string(/domain/devices/serial/target/@port)", "0");
	assert_xs(&x, "string(/domain/devices/serial/log/@file)", "/var/log/vnf/vrtr1.console.log");
	assert_xs(&x, "string(/domain/devices/serial/log/@append)", "on");
	assert_xs(&x, "string(/domain/devices/console/@type)", "pty");
	assert_xs(&x, "string(/domain/devices/memballoon/@model)", "none");
	assert_xn(&x, "count(//graphics)", 0);

	xp_free(&x);
	accepted(xml, "vrtr1");
	free(xml);
}

static void tcg_minimal(void **state)
{
	(void)state;
	struct jdm_domain_spec s = {
		.name = "vsrx", .accel = "tcg", .vcpus = 1, .host_passthrough = true,
		.memory_kib = 262144, .image = "/var/third-party/images/vsrx.img",
		.image_type = "raw", .bus = "ide",
	};
	char *xml = build(&s);
	struct xp x = parse(xml);
	assert_xs(&x, "string(/domain/@type)", "qemu");
	/* TCG: no host CPU */
	assert_xn(&x, "count(/domain/cpu)", 0);
	assert_xn(&x, "count(/domain/cputune)", 0);
	assert_xn(&x, "count(/domain/memoryBacking)", 0);
	assert_xn(&x, "count(/domain/uuid)", 0);
	assert_xs(&x, "string(/domain/devices/disk[1]/target/@dev)", "hda");
	assert_xs(&x, "string(/domain/devices/disk[1]/target/@bus)", "ide");
	assert_xs(&x, "string(/domain/devices/disk[1]/driver/@type)", "raw");
	assert_xn(&x, "count(/domain/devices/disk[1]/driver/@cache)", 0);
	assert_xn(&x, "count(/domain/devices/interface)", 0);
	assert_xn(&x, "count(/domain/devices/serial/log)", 0);
	assert_xs(&x, "string(/domain/devices/console/target/@type)", "serial");
	xp_free(&x);
	accepted(xml, "vsrx");
	free(xml);

	/* KVM without hardware-virtualization: no cpu element either */
	s.accel = "kvm";
	s.host_passthrough = false;
	xml = build(&s);
	x = parse(xml);
	assert_xs(&x, "string(/domain/@type)", "kvm");
	assert_xn(&x, "count(/domain/cpu)", 0);
	xp_free(&x);
	free(xml);
}

static void hugepages_1g_rounds_memory(void **state)
{
	(void)state;
	struct jdm_domain_spec s = {
		.name = "big", .accel = "kvm", .vcpus = 2, .memory_kib = 1572864 /* 1.5 GiB */,
		.hugepages = true, .hugepage_kib = 1048576, .image = "/i.qcow2",
	};
	char *xml = build(&s);
	struct xp x = parse(xml);
	assert_xs(&x, "string(/domain/memory)", "2097152");
	assert_xs(&x, "string(/domain/memoryBacking/hugepages/page/@size)", "1048576");
	xp_free(&x);
	accepted(xml, "big");
	free(xml);

	/* default page size: <hugepages/> without a page */
	s.hugepage_kib = 0;
	xml = build(&s);
	x = parse(xml);
	assert_xs(&x, "string(/domain/memory)", "1572864");
	assert_xn(&x, "count(/domain/memoryBacking/hugepages)", 1);
	assert_xn(&x, "count(/domain/memoryBacking/hugepages/page)", 0);
	xp_free(&x);
	free(xml);
}

static void other_backends(void **state)
{
	(void)state;
	static const int trunk[] = {100, 200};
	struct jdm_domain_nic nics[] = {
		/* SR-IOV VF on hsxe0 */
		{.name = "eth2", .mac = "30:b6:4f:aa:bb:cc", .hostdev_pci = "0000:03:10.2",
		 .vlan = 1200, .target_dev = "ignored", .mtu = 1500, .link_down = true},
		/* OVS-DPDK dpdkvhostuserclient */
		{.name = "eth3", .vhostuser_socket = "/var/run/openvswitch/vhu-vrtr1-eth3", .vlan = -1},
		/* OVS trunk */
		{.name = "eth4", .ovs_bridge = "ovs-sys-br", .vlan = -1, .trunk_vlans = trunk,
		 .n_trunk_vlans = 2, .target_dev = "vrtr1_eth4"},
		/* plain tap plugged by jdmd */
		{.name = "eth5", .target_dev = "vrtr1_eth5", .vlan = -1, .model = "e1000"},
	};
	struct jdm_domain_spec s = {
		.name = "vrtr1", .accel = "kvm", .vcpus = 1, .memory_kib = 524288,
		.image = "/i.qcow2", .nics = nics, .n_nics = 4,
	};
	char *xml = build(&s);
	struct xp x = parse(xml);
	assert_xs(&x, "string(/domain/devices/interface[1]/@type)", "hostdev");
	assert_xs(&x, "string(/domain/devices/interface[1]/@managed)", "yes");
	assert_xs(&x, "string(/domain/devices/interface[1]/source/address/@bus)", "0x03");
	assert_xs(&x, "string(/domain/devices/interface[1]/source/address/@slot)", "0x10");
	assert_xs(&x, "string(/domain/devices/interface[1]/source/address/@function)", "0x2");
	assert_xs(&x, "string(/domain/devices/interface[1]/vlan/tag/@id)", "1200");
	assert_xn(&x, "count(/domain/devices/interface[1]/model)", 0);
	assert_xn(&x, "count(/domain/devices/interface[1]/mtu)", 0);
	assert_xn(&x, "count(/domain/devices/interface[1]/link)", 0);
	assert_xs(&x, "string(/domain/devices/interface[2]/@type)", "vhostuser");
	assert_xs(&x, "string(/domain/devices/interface[2]/source/@mode)", "server");
	assert_xs(&x, "string(/domain/devices/interface[2]/source/@path)",
	          "/var/run/openvswitch/vhu-vrtr1-eth3");
	assert_xs(&x, "string(/domain/devices/interface[2]/model/@type)", "virtio");
	/* vhost-user needs shared guest memory */
	assert_xs(&x, "string(/domain/memoryBacking/access/@mode)", "shared");
	assert_xs(&x, "string(/domain/memoryBacking/source/@type)", "memfd");
	assert_xs(&x, "string(/domain/devices/interface[3]/vlan/@trunk)", "yes");
	assert_xn(&x, "count(/domain/devices/interface[3]/vlan/tag)", 2);
	assert_xs(&x, "string(/domain/devices/interface[3]/vlan/tag[2]/@id)", "200");
	assert_xs(&x, "string(/domain/devices/interface[4]/@type)", "ethernet");
	assert_xs(&x, "string(/domain/devices/interface[4]/target/@dev)", "vrtr1_eth5");
	assert_xs(&x, "string(/domain/devices/interface[4]/model/@type)", "e1000");
	xp_free(&x);
	accepted(xml, "vrtr1");
	free(xml);

	/* vhost-user with hugepages: shared hugepages, no memfd */
	s.hugepages = true;
	s.hugepage_kib = 2048;
	xml = build(&s);
	x = parse(xml);
	assert_xs(&x, "string(/domain/memoryBacking/access/@mode)", "shared");
	assert_xn(&x, "count(/domain/memoryBacking/source)", 0);
	assert_xn(&x, "count(/domain/memoryBacking/hugepages/page)", 1);
	xp_free(&x);
	accepted(xml, "vrtr1");
	free(xml);
}

static void escaping(void **state)
{
	(void)state;
	const char *name = "v\"x&<y>'z";
	const char *image = "/tmp/a \"b\" & <c>'d'.qcow2";
	const char *log = "/var/log/&amp;<!-- -->]]>.log";
	struct jdm_domain_nic nic = {.name = "eth0", .bridge = "br&<\"'", .vlan = -1,
	                             .target_dev = "t&<>\"'"};
	struct jdm_domain_disk st = {.dev = "vdb", .file = "/x/<disk>&\"q\".img"};
	struct jdm_domain_spec s = {
		.name = name, .accel = "tcg", .vcpus = 1, .memory_kib = 65536, .image = image,
		.storage = &st, .n_storage = 1, .config_data_disk = "/cfg/&.iso",
		.nics = &nic, .n_nics = 1, .serial_log = log,
	};
	char *xml = build(&s);
	/* no raw user text: what parses back is exactly what went in */
	assert_null(strstr(xml, "<c>"));
	assert_null(strstr(xml, "<!--"));
	assert_null(strstr(xml, "<disk>&"));
	struct xp x = parse(xml);
	assert_xs(&x, "string(/domain/name)", name);
	assert_xs(&x, "string(/domain/devices/disk[1]/source/@file)", image);
	assert_xs(&x, "string(/domain/devices/disk[2]/source/@file)", "/x/<disk>&\"q\".img");
	assert_xs(&x, "string(/domain/devices/disk[3]/source/@file)", "/cfg/&.iso");
	assert_xs(&x, "string(/domain/devices/serial/log/@file)", log);
	assert_xs(&x, "string(/domain/devices/interface/source/@bridge)", "br&<\"'");
	assert_xn(&x, "count(/domain/*)", xn(&x, "count(/domain/*)")); /* parses */
	/* tap names cannot hold those: still 15 chars max, deterministic */
	char *tap = xs(&x, "string(/domain/devices/interface/target/@dev)");
	char want[16];
	assert_int_equal(jdm_domain_ifname("t&<>\"'", want), 0);
	assert_string_equal(tap, want);
	free(tap);
	xp_free(&x);
	libvirt_accepts(xml, name);
	free(xml);

	/* UTF-8 is fine */
	s.name = "vnf-\xc3\xa9t\xc3\xa9";
	xml = build(&s);
	x = parse(xml);
	assert_xs(&x, "string(/domain/name)", "vnf-\xc3\xa9t\xc3\xa9");
	xp_free(&x);
	free(xml);
}

static void bad_specs(void **state)
{
	(void)state;
	struct jdm_domain_spec good = {
		.name = "v", .vcpus = 1, .memory_kib = 1024, .image = "/i.qcow2",
	};
	char *xml = (char *)1;
	struct jdm_domain_spec s;

#define REFUSED(field_change, needle)                                           \
	do {                                                                    \
		s = good;                                                       \
		field_change;                                                   \
		assert_int_equal(jdm_domain_xml(&s, &xml), -1);                 \
		assert_null(xml);                                               \
		if (!strstr(cfg_err_msg(), (needle)))                           \
			fail_msg("message '%s' lacks '%s'", cfg_err_msg(), (needle)); \
	} while (0)

	REFUSED(s.name = "a/b", "'/'");
	REFUSED(s.name = "", "name");
	REFUSED(s.name = "a\nb", "control character");
	REFUSED(s.image = "/x\x01.qcow2", "control character");
	REFUSED(s.image = "/x\xff\xfe.qcow2", "UTF-8");
	REFUSED(s.image = NULL, "no image");
	REFUSED(s.vcpus = 0, "virtual CPU");
	REFUSED(s.memory_kib = 0, "memory");
	REFUSED(s.accel = "xen", "accel");
	REFUSED(s.uuid = "not-a-uuid", "uuid");
	REFUSED((s.hugepages = true, s.hugepage_kib = 4096), "huge page size");
	REFUSED(s.image_type = "vmdk", "image type");
	REFUSED(s.cache = "fast", "cache");
	struct jdm_domain_nic n = {.name = "eth2", .mac = "30:b6:4f:zz:00:01", .vlan = -1};
	REFUSED((s.nics = &n, s.n_nics = 1), "not a MAC");
	struct jdm_domain_nic n2 = {.name = "eth2", .hostdev_pci = "03:10", .vlan = -1};
	REFUSED((s.nics = &n2, s.n_nics = 1), "PCI");
	struct jdm_domain_disk d = {.dev = "xyz", .file = "/d"};
	REFUSED((s.storage = &d, s.n_storage = 1), "storage device");
	struct jdm_domain_disk d2 = {.dev = "vda", .file = "/d"};
	REFUSED((s.storage = &d2, s.n_storage = 1), "device of the image");
	struct jdm_domain_disk d3 = {.dev = "vdb"};
	REFUSED((s.storage = &d3, s.n_storage = 1), "source file");
	REFUSED(s.init_descriptor_xml = "<domain><name>x</name>", "not valid XML");
	REFUSED(s.init_descriptor_xml = "<network><name>x</name></network>", "<domain>");
	REFUSED(s.init_descriptor_xml = "", "not valid XML");
#undef REFUSED

	/* IDE has 4 slots: config-data finds none free */
	struct jdm_domain_disk ide[] = {{.dev = "hdb", .file = "/1"}, {.dev = "hdc", .file = "/2"},
	                                {.dev = "hdd", .file = "/3"}};
	s = good;
	s.bus = "ide";
	s.storage = ide;
	s.n_storage = 3;
	s.config_data_disk = "/c.iso";
	assert_int_equal(jdm_domain_xml(&s, &xml), -1);
	assert_non_null(strstr(cfg_err_msg(), "config-data"));
	assert_int_equal(jdm_domain_xml(NULL, &xml), -1);
}

static const char descriptor[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE domain [ <!ENTITY leak SYSTEM \"file:///etc/hostname\"> ]>\n"
	"<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
	"  <name>from-descriptor</name>\n"
	"  <uuid>11111111-2222-4333-8444-555555555555</uuid>\n"
	"  <description>&leak;</description>\n"
	"  <memory unit='GiB'>8</memory>\n"
	"  <currentMemory unit='GiB'>8</currentMemory>\n"
	"  <vcpu placement='static' current='2'>8</vcpu>\n"
	"  <cputune><vcpupin vcpu='7' cpuset='7'/><emulatorpin cpuset='0'/></cputune>\n"
	"  <os><type arch='x86_64'>hvm</type><boot dev='cdrom'/><boot dev='hd'/></os>\n"
	"  <features><acpi/><apic/><pae/></features>\n"
	"  <cpu mode='host-model'><topology sockets='1' cores='8' threads='1'/></cpu>\n"
	"  <clock offset='localtime'/>\n"
	"  <on_crash>restart</on_crash>\n"
	"  <devices>\n"
	"    <disk type='file' device='disk'><source file='/old.qcow2'/>"
	"<target dev='vda' bus='virtio'/></disk>\n"
	"    <controller type='usb' model='none'/>\n"
	"    <interface type='network'><source network='default'/></interface>\n"
	"    <interface type='network'><source network='other'/></interface>\n"
	"    <serial type='pty'><target port='0'/></serial>\n"
	"    <video><model type='vga'/></video>\n"
	"  </devices>\n"
	"</domain>\n";

static void init_descriptor(void **state)
{
	(void)state;
	struct jdm_domain_nic nic = {.name = "eth0", .bridge = "virbr-int", .vlan = -1,
	                             .mac = "30:b6:4f:01:02:03"};
	struct jdm_domain_spec s = {
		.name = "sdwan", .uuid = "6f9a3d6e-2b1c-4c5e-9a3b-1d2e3f405162", .accel = "tcg",
		.vcpus = 2, .memory_kib = 2097152, .image = "/var/third-party/images/sdwan.qcow2",
		.nics = &nic, .n_nics = 1, .init_descriptor_xml = descriptor,
	};
	char *xml = build(&s);
	assert_null(strstr(xml, "leak")); /* the entity is neither expanded nor lost badly */
	struct xp x = parse(xml);
	/* replaced */
	assert_xs(&x, "string(/domain/@type)", "qemu");
	assert_xs(&x, "string(/domain/name)", "sdwan");
	assert_xn(&x, "count(/domain/name)", 1);
	assert_xs(&x, "string(/domain/uuid)", "6f9a3d6e-2b1c-4c5e-9a3b-1d2e3f405162");
	assert_xs(&x, "string(/domain/memory)", "2097152");
	assert_xs(&x, "string(/domain/memory/@unit)", "KiB");
	assert_xs(&x, "string(/domain/currentMemory)", "2097152");
	assert_xs(&x, "string(/domain/vcpu)", "2");
	assert_xn(&x, "count(/domain/vcpu/@current)", 0);
	assert_xn(&x, "count(/domain/cputune/vcpupin)", 0);
	assert_xn(&x, "count(/domain/devices/disk)", 1);
	assert_xs(&x, "string(/domain/devices/disk/source/@file)", "/var/third-party/images/sdwan.qcow2");
	assert_xn(&x, "count(/domain/devices/interface)", 1);
	assert_xs(&x, "string(/domain/devices/interface/source/@bridge)", "virbr-int");
	/* TCG: the host-model CPU goes, and a topology of 8 does not fit 2 */
	assert_xn(&x, "count(/domain/cpu)", 0);
	/* kept */
	assert_xn(&x, "count(/domain/features/pae)", 1);
	assert_xs(&x, "string(/domain/clock/@offset)", "localtime");
	assert_xs(&x, "string(/domain/on_crash)", "restart");
	assert_xs(&x, "string(/domain/os/boot[1]/@dev)", "cdrom");
	assert_xs(&x, "string(/domain/cputune/emulatorpin/@cpuset)", "0");
	assert_xn(&x, "count(/domain/devices/video)", 1);
	assert_xn(&x, "count(/domain/devices/controller)", 1);
	assert_xn(&x, "count(/domain/devices/serial)", 1);
	assert_xn(&x, "count(/domain/devices/serial/log)", 0);
	assert_xs(&x, "string(/domain/devices/memballoon/@model)", "none");
	/* the disk keeps the descriptor's position: first device */
	assert_xs(&x, "local-name(/domain/devices/*[1])", "disk");
	assert_xs(&x, "local-name(/domain/devices/*[3])", "interface");
	xp_free(&x);
	accepted(xml, "sdwan");
	free(xml);

	/* KVM + hardware-virtualization: the descriptor's CPU becomes
	   host-passthrough, a matching topology stays; pins replace pins */
	static const int p[] = {4, 5};
	s.accel = "kvm";
	s.host_passthrough = true;
	s.pin = p;
	s.hugepages = true;
	s.hugepage_kib = 2048;
	s.uuid = NULL;
	s.init_descriptor_xml =
		"<domain type='qemu'><name>x</name><memory>1</memory>"
		"<uuid>11111111-2222-4333-8444-555555555555</uuid>"
		"<memoryBacking><hugepages><page size='1' unit='G'/></hugepages><nosharepages/>"
		"</memoryBacking>"
		"<cpu mode='custom' match='exact'><model>Skylake-Server</model>"
		"<topology sockets='1' dies='1' cores='2' threads='1'/></cpu>"
		"<os><type>hvm</type></os></domain>";
	xml = build(&s);
	x = parse(xml);
	assert_xs(&x, "string(/domain/@type)", "kvm");
	assert_xn(&x, "count(/domain/uuid)", 0);
	assert_xs(&x, "string(/domain/cpu/@mode)", "host-passthrough");
	assert_xn(&x, "count(/domain/cpu/@match)", 0);
	assert_xn(&x, "count(/domain/cpu/model)", 0);
	assert_xs(&x, "string(/domain/cpu/topology/@cores)", "2");
	assert_xn(&x, "count(/domain/cputune/vcpupin)", 2);
	assert_xs(&x, "string(/domain/cputune/vcpupin[@vcpu='1']/@cpuset)", "5");
	assert_xn(&x, "count(/domain/memoryBacking/hugepages)", 1);
	assert_xs(&x, "string(/domain/memoryBacking/hugepages/page/@size)", "2048");
	assert_xn(&x, "count(/domain/memoryBacking/nosharepages)", 1);
	assert_xn(&x, "count(/domain/devices)", 1);
	assert_xs(&x, "string(/domain/devices/disk/target/@dev)", "vda");
	assert_xs(&x, "string(/domain/devices/serial/@type)", "pty");
	xp_free(&x);
	accepted(xml, "sdwan");
	free(xml);

	/* no hugepages in the config: the descriptor's go (the budget check
	   only counts VNFs with `memory features hugepages`) */
	s.hugepages = false;
	s.init_descriptor_xml = "<domain type='kvm'><name>x</name><memoryBacking><hugepages/>"
	                        "</memoryBacking><os><type>hvm</type></os><devices/></domain>";
	xml = build(&s);
	x = parse(xml);
	assert_xn(&x, "count(/domain/memoryBacking)", 0);
	xp_free(&x);
	free(xml);
}

static void mac_uuid_ifname(void **state)
{
	(void)state;
	char a[18], b[18], c[18];
	assert_int_equal(jdm_domain_mac("vrtr1 eth2", a), 0);
	assert_int_equal(jdm_domain_mac("vrtr1 eth2", b), 0);
	assert_int_equal(jdm_domain_mac("vrtr1 eth3", c), 0);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), 17);
	assert_memory_equal(a, "30:b6:4f:", 9);
	for (int i = 0; i < 17; i++)
		assert_true(i % 3 == 2 ? a[i] == ':' : strchr("0123456789abcdef", a[i]) != NULL);
	/* random: 100 draws, (almost surely) not all the same */
	int same = 0;
	for (int i = 0; i < 100; i++) {
		assert_int_equal(jdm_domain_mac(NULL, a), 0);
		assert_memory_equal(a, "30:b6:4f:", 9);
		assert_int_equal(jdm_domain_mac(NULL, b), 0);
		same += strcmp(a, b) == 0;
	}
	assert_true(same < 5);

	char u[37], v[37];
	assert_int_equal(jdm_domain_uuid(u), 0);
	assert_int_equal(jdm_domain_uuid(v), 0);
	assert_string_not_equal(u, v);
	assert_int_equal(strlen(u), 36);
	assert_int_equal(u[8], '-');
	assert_int_equal(u[13], '-');
	assert_int_equal(u[14], '4');
	assert_true(strchr("89ab", u[19]) != NULL);
	/* libvirt accepts it */
	struct jdm_domain_spec s = {.name = "u", .uuid = u, .vcpus = 1, .memory_kib = 1024,
	                            .image = "/i"};
	char *xml = build(&s);
	libvirt_accepts(xml, "u");
	free(xml);

	char t[16], t2[16];
	assert_int_equal(jdm_domain_ifname("vrtr1_eth0", t), 0);
	assert_string_equal(t, "vrtr1_eth0");
	assert_int_equal(jdm_domain_ifname("123456789012345", t), 0); /* exactly 15 */
	assert_string_equal(t, "123456789012345");
	assert_int_equal(jdm_domain_ifname("sdwan-branch-1_eth10", t), 0);
	assert_int_equal(jdm_domain_ifname("sdwan-branch-1_eth10", t2), 0);
	assert_string_equal(t, t2);
	assert_int_equal(strlen(t), 15);
	assert_memory_equal(t, "sdwan-bran-", 11);
	assert_int_equal(jdm_domain_ifname("sdwan-branch-1_eth11", t2), 0);
	assert_string_not_equal(t, t2);
	assert_int_equal(jdm_domain_ifname("a/b:c d_eth0", t), 0);
	assert_null(strpbrk(t, "/: "));
	assert_true(strlen(t) <= 15);
	assert_int_equal(jdm_domain_ifname("..", t), 0);
	assert_string_not_equal(t, "..");
	assert_int_equal(jdm_domain_ifname("", t), -1);
}

/* A descriptor does not choose QEMU's user, its labelling, its binary or
 * raw QEMU arguments: seclabels, emulator and foreign namespaces go. */
static void descriptor_privileges(void **state)
{
	(void)state;
	struct jdm_domain_spec s = {
		.name = "d", .accel = "tcg", .vcpus = 1, .memory_kib = 65536,
		.image = "/var/third-party/images/d.qcow2",
		.init_descriptor_xml =
			"<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
			"<name>d</name><memory>1</memory><os><type>hvm</type><kernel>/etc/shadow</kernel>"
			"<loader>/etc/passwd</loader></os>"
			"<seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>"
			"<devices><emulator>/bin/sh</emulator>"
			"<serial type='pty'><source><seclabel model='dac' relabel='no'/></source>"
			"<log file='/etc/shadow'/><target port='0'/></serial>"
			"<serial type='file'><source path='/etc/passwd'/><target port='1'/></serial>"
			"<filesystem type='mount'><source dir='/'/><target dir='root'/></filesystem>"
			"<hostdev mode='subsystem' type='usb'/>"
			"<rng model='virtio'><backend model='random'>/etc/shadow</backend></rng>"
			"<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"
			"<channel type='unix'><source mode='bind' path='/etc/x'/><target type='virtio'/></channel>"
			"<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
			"<video><model type='vga'/></video></devices>"
			"<qemu:commandline><qemu:arg value='-chardev'/></qemu:commandline></domain>",
	};
	char *xml = build(&s);
	assert_null(strstr(xml, "seclabel"));
	assert_null(strstr(xml, "emulator"));
	assert_null(strstr(xml, "commandline"));
	assert_null(strstr(xml, "/bin/sh"));
	assert_null(strstr(xml, "/etc/"));
	struct xp x = parse(xml);
	assert_xn(&x, "count(/domain/devices/serial)", 1);
	assert_xn(&x, "count(/domain/devices/serial/log)", 0);
	assert_xn(&x, "count(/domain/devices/filesystem)", 0);
	assert_xn(&x, "count(/domain/devices/hostdev)", 0);
	assert_xn(&x, "count(/domain/devices/rng)", 1);
	assert_xn(&x, "count(/domain/devices/channel)", 1);
	assert_xn(&x, "count(/domain/devices/video)", 1);
	assert_xn(&x, "count(/domain/os/kernel)", 0);
	assert_xn(&x, "count(/domain/os/loader)", 0);
	xp_free(&x);
	accepted(xml, "d");
	free(xml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_domain),
		cmocka_unit_test(tcg_minimal),
		cmocka_unit_test(hugepages_1g_rounds_memory),
		cmocka_unit_test(other_backends),
		cmocka_unit_test(escaping),
		cmocka_unit_test(bad_specs),
		cmocka_unit_test(init_descriptor),
		cmocka_unit_test(descriptor_privileges),
		cmocka_unit_test(mac_uuid_ifname),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
