/* sriov_nl: the RTM_SETLINK request for a VF checked attribute by
 * attribute (parsed back with libmnl), and the kernel's refusal when the
 * "PF" is a veth, which has no VFs: a clear error and the device unchanged.
 * The kernel part runs inside a network namespace made for this test
 * (test_netns.h: as root; skipped otherwise); the veth lives only there. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_common.h"

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "sriov_nl.h"

#include "test_netns.h"

/* ---------------------------------------------------------- the message */

struct seen {
	const struct nlattr *a[IFLA_VF_MAX + 1];
	int n;
};

static int collect(const struct nlattr *attr, void *data)
{
	struct seen *s = data;
	int t = mnl_attr_get_type(attr);
	assert_true(t >= 0 && t <= IFLA_VF_MAX);
	assert_null(s->a[t]); /* each attribute once */
	s->a[t] = attr;
	s->n++;
	return MNL_CB_OK;
}

static void message_attributes(void **state)
{
	(void)state;
	char buf[SRIOV_NL_BUF];
	struct sriov_nl_vf c = {.vf = 3, .mac = {0x30, 0xb6, 0x4f, 0x01, 0x02, 0x03}, .vlan = 1100,
	                        .spoofchk = true};
	size_t len = sriov_nl_build(buf, sizeof buf, 77, 12, &c);
	assert_true(len > 0);
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	assert_int_equal(nlh->nlmsg_len, len);
	assert_true(mnl_nlmsg_ok(nlh, (int)len));
	assert_int_equal(nlh->nlmsg_type, RTM_SETLINK);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(nlh->nlmsg_seq, 77);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_family, AF_UNSPEC);
	assert_int_equal(ifi->ifi_index, 12);
	assert_int_equal(ifi->ifi_flags, 0);
	assert_int_equal(ifi->ifi_change, 0);

	/* top level: exactly one IFLA_VFINFO_LIST */
	int top = 0;
	const struct nlattr *list = NULL;
	const struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof *ifi) {
		top++;
		list = a;
	}
	assert_int_equal(top, 1);
	assert_int_equal(mnl_attr_get_type(list), IFLA_VFINFO_LIST);
	/* in it exactly one IFLA_VF_INFO */
	int nin = 0;
	const struct nlattr *info = NULL;
	mnl_attr_for_each_nested(a, list) {
		nin++;
		info = a;
	}
	assert_int_equal(nin, 1);
	assert_int_equal(mnl_attr_get_type(info), IFLA_VF_INFO);
	/* in it MAC, VLAN, SPOOFCHK, in that order, each once */
	struct seen s = {0};
	assert_int_equal(mnl_attr_parse_nested(info, collect, &s), MNL_CB_OK);
	assert_int_equal(s.n, 3);
	int order[3], k = 0;
	mnl_attr_for_each_nested(a, info) order[k++] = mnl_attr_get_type(a);
	assert_int_equal(order[0], IFLA_VF_MAC);
	assert_int_equal(order[1], IFLA_VF_VLAN);
	assert_int_equal(order[2], IFLA_VF_SPOOFCHK);

	assert_int_equal(mnl_attr_get_payload_len(s.a[IFLA_VF_MAC]), sizeof(struct ifla_vf_mac));
	const struct ifla_vf_mac *m = mnl_attr_get_payload(s.a[IFLA_VF_MAC]);
	assert_int_equal(m->vf, 3);
	assert_memory_equal(m->mac, c.mac, 6);
	static const unsigned char zero[26];
	assert_memory_equal(m->mac + 6, zero, sizeof zero);

	assert_int_equal(mnl_attr_get_payload_len(s.a[IFLA_VF_VLAN]), sizeof(struct ifla_vf_vlan));
	const struct ifla_vf_vlan *v = mnl_attr_get_payload(s.a[IFLA_VF_VLAN]);
	assert_int_equal(v->vf, 3);
	assert_int_equal(v->vlan, 1100);
	assert_int_equal(v->qos, 0);

	assert_int_equal(mnl_attr_get_payload_len(s.a[IFLA_VF_SPOOFCHK]),
	                 sizeof(struct ifla_vf_spoofchk));
	const struct ifla_vf_spoofchk *sp = mnl_attr_get_payload(s.a[IFLA_VF_SPOOFCHK]);
	assert_int_equal(sp->vf, 3);
	assert_int_equal(sp->setting, 1);

	/* nothing after the nest: the lengths add up */
	assert_int_equal((const char *)mnl_attr_get_payload(list) + mnl_attr_get_payload_len(list) -
	                     buf,
	                 len);

	/* a cleared VF: zero MAC, VLAN 0, spoof check as asked */
	struct sriov_nl_vf clr = {.vf = 0, .spoofchk = false};
	len = sriov_nl_build(buf, sizeof buf, 1, 5, &clr);
	assert_true(len > 0);
	info = NULL;
	memset(&s, 0, sizeof s);
	mnl_attr_for_each(a, (struct nlmsghdr *)buf, sizeof *ifi) list = a;
	mnl_attr_for_each_nested(a, list) info = a;
	assert_int_equal(mnl_attr_parse_nested(info, collect, &s), MNL_CB_OK);
	m = mnl_attr_get_payload(s.a[IFLA_VF_MAC]);
	assert_memory_equal(m->mac, zero, 6);
	assert_int_equal(((const struct ifla_vf_vlan *)mnl_attr_get_payload(s.a[IFLA_VF_VLAN]))->vlan,
	                 0);
	assert_int_equal(
		((const struct ifla_vf_spoofchk *)mnl_attr_get_payload(s.a[IFLA_VF_SPOOFCHK]))->setting,
		0);

	/* refusals before anything is sent */
	c.vlan = 4095;
	assert_int_equal(sriov_nl_build(buf, sizeof buf, 1, 5, &c), 0);
	assert_string_equal(cfg_err_msg(), "VLAN 4095 out of range (1 to 4094)");
	c.vlan = 10;
	assert_int_equal(sriov_nl_build(buf, 40, 1, 5, &c), 0);
	assert_string_equal(cfg_err_msg(), "netlink buffer too small");
}

static void parse_mac(void **state)
{
	(void)state;
	unsigned char m[6];
	assert_int_equal(sriov_nl_parse_mac("30:b6:4f:0a:ff:01", m), 0);
	assert_int_equal(m[0], 0x30);
	assert_int_equal(m[5], 0x01);
	assert_int_equal(m[4], 0xff);
	assert_int_equal(sriov_nl_parse_mac("30:b6:4f:0a:ff", m), -1);
	assert_int_equal(sriov_nl_parse_mac("30:b6:4f:0a:ff:01x", m), -1);
	assert_int_equal(sriov_nl_parse_mac(NULL, m), -1);
}

/* ------------------------------------------------- the kernel's refusal */

static int ip(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5,
              const char *a6, const char *a7)
{
	const char *argv[] = {ut_ip(), a1, a2, a3, a4, a5, a6, a7, NULL};
	return ut_run(argv, NULL, 0);
}

static void hwaddr(const char *dev, unsigned char out[6])
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", dev);
	assert_int_equal(ioctl(s, SIOCGIFHWADDR, &ifr), 0);
	memcpy(out, ifr.ifr_hwaddr.sa_data, 6);
	close(s);
}

static void veth_refuses(void **state)
{
	(void)state;
	NEED_NETNS();
	/* in the test's own namespace only (ut_enter_netns re-ran us there) */
	assert_int_equal(ip("link", "add", "sriovpf0", "type", "veth", "peer", "sriovpf1"), 0);
	unsigned char before[6], after[6];
	hwaddr("sriovpf0", before);
	struct sriov_nl_vf c = {.vf = 0, .mac = {0x30, 0xb6, 0x4f, 0x01, 0x02, 0x03}, .vlan = 1100,
	                        .spoofchk = true};
	assert_int_equal(sriov_nl_set_vf("hsxe0", "sriovpf0", &c), -1);
	assert_string_equal(cfg_err_msg(),
	                    "PF hsxe0 (sriovpf0): the kernel refused virtual function 0 (MAC "
	                    "30:b6:4f:01:02:03, VLAN 1100): Operation not supported (the device "
	                    "has no SR-IOV virtual functions)");
	/* nothing half-applied: the device is as it was */
	hwaddr("sriovpf0", after);
	assert_memory_equal(before, after, 6);
	assert_int_equal(sriov_nl_clear_vf("hsxe0", "sriovpf0", 0), -1);
	assert_string_equal(cfg_err_msg(), "PF hsxe0 (sriovpf0): cannot clear virtual function 0: "
	                                   "Operation not supported");
	/* a PF that is not there */
	assert_int_equal(sriov_nl_set_vf("hsxe1", "nosuchpf", &c), -1);
	assert_string_equal(cfg_err_msg(), "PF hsxe1: no network device nosuchpf");
	assert_int_equal(ip("link", "del", "sriovpf0", NULL, NULL, NULL, NULL), 0);
}

int main(int argc, char **argv)
{
	int rc = ut_enter_netns(argc, argv, false);
	if (rc >= 0)
		return rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(message_attributes),
		cmocka_unit_test(parse_mac),
		cmocka_unit_test(veth_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
