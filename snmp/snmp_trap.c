/* snmp_trap — notifications through the AgentX master. See snmp_trap.h. */
#include "snmp_trap.h"

#include <string.h>

static const oid trap_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0}; /* snmpTrapOID.0 */
static oid root[MAX_OID_LEN];
static size_t rootlen;

void snmp_trap_set_root(const oid *r, size_t len)
{
	memcpy(root, r, len * sizeof(oid));
	rootlen = len;
}

/* BASE.SUB... into OUT */
static size_t mk(oid *out, const oid *base, size_t bl, const oid *sub, size_t n)
{
	memcpy(out, base, bl * sizeof(oid));
	memcpy(out + bl, sub, n * sizeof(oid));
	return bl + n;
}

static void send_vars(netsnmp_variable_list *vars)
{
	send_v2trap(vars);
	snmp_free_varbind(vars);
}

void snmp_trap_vm(int which, long index, const char *name, const unsigned char *uuid, size_t uuid_len,
                  int prev_oper)
{
	static const oid vm[] = {1, 3, 6, 1, 2, 1, 236};
	oid o[MAX_OID_LEN];
	size_t l;
	netsnmp_variable_list *v = NULL;
	l = mk(o, vm, 7, (oid[]){0, (oid)which}, 2);
	snmp_varlist_add_variable(&v, trap_oid, 11, ASN_OBJECT_ID, (u_char *)o, l * sizeof(oid));
	l = mk(o, vm, 7, (oid[]){1, 4, 1, 2, (oid)index}, 5);
	snmp_varlist_add_variable(&v, o, l, ASN_OCTET_STR, (const u_char *)name, strlen(name));
	l = mk(o, vm, 7, (oid[]){1, 4, 1, 3, (oid)index}, 5);
	snmp_varlist_add_variable(&v, o, l, ASN_OCTET_STR, uuid, uuid_len);
	long st = prev_oper;
	l = mk(o, vm, 7, (oid[]){1, 4, 1, 6, (oid)index}, 5);
	snmp_varlist_add_variable(&v, o, l, ASN_INTEGER, (u_char *)&st, sizeof st);
	if (which == SNMP_VM_DELETED) {
		long p = 2; /* persistent */
		l = mk(o, vm, 7, (oid[]){1, 4, 1, 8, (oid)index}, 5);
		snmp_varlist_add_variable(&v, o, l, ASN_INTEGER, (u_char *)&p, sizeof p);
	}
	send_vars(v);
}

void snmp_trap_vnf(int which, long index, const char *name, long value)
{
	oid o[MAX_OID_LEN];
	size_t l;
	netsnmp_variable_list *v = NULL;
	l = mk(o, root, rootlen, (oid[]){0, (oid)which}, 2);
	snmp_varlist_add_variable(&v, trap_oid, 11, ASN_OBJECT_ID, (u_char *)o, l * sizeof(oid));
	l = mk(o, root, rootlen, (oid[]){1, 1, 1, 2, (oid)index}, 5);
	snmp_varlist_add_variable(&v, o, l, ASN_OCTET_STR, (const u_char *)name, strlen(name));
	if (which == SNMP_NFX_RESTARTED) {
		l = mk(o, root, rootlen, (oid[]){1, 1, 1, 5, (oid)index}, 5);
		u_long c = (u_long)value;
		snmp_varlist_add_variable(&v, o, l, ASN_COUNTER, (u_char *)&c, sizeof c);
	} else {
		l = mk(o, root, rootlen, (oid[]){1, 1, 1, 3, (oid)index}, 5);
		snmp_varlist_add_variable(&v, o, l, ASN_INTEGER, (u_char *)&value, sizeof value);
	}
	send_vars(v);
}

void snmp_trap_commit(long revision, const char *user)
{
	oid o[MAX_OID_LEN];
	size_t l;
	netsnmp_variable_list *v = NULL;
	l = mk(o, root, rootlen, (oid[]){0, SNMP_NFX_COMMIT}, 2);
	snmp_varlist_add_variable(&v, trap_oid, 11, ASN_OBJECT_ID, (u_char *)o, l * sizeof(oid));
	u_long r = (u_long)revision;
	l = mk(o, root, rootlen, (oid[]){1, 5, 1, 0}, 4);
	snmp_varlist_add_variable(&v, o, l, ASN_UNSIGNED, (u_char *)&r, sizeof r);
	l = mk(o, root, rootlen, (oid[]){1, 5, 3, 0}, 4);
	snmp_varlist_add_variable(&v, o, l, ASN_OCTET_STR, (const u_char *)(user ? user : ""),
	                          user ? strlen(user) : 0);
	send_vars(v);
}

void snmp_trap_huge(long size_kib, long total, long free_pages)
{
	oid o[MAX_OID_LEN];
	size_t l;
	netsnmp_variable_list *v = NULL;
	l = mk(o, root, rootlen, (oid[]){0, SNMP_NFX_HUGE_LOW}, 2);
	snmp_varlist_add_variable(&v, trap_oid, 11, ASN_OBJECT_ID, (u_char *)o, l * sizeof(oid));
	u_long t = (u_long)total, f = (u_long)free_pages;
	l = mk(o, root, rootlen, (oid[]){1, 2, 1, 2, (oid)size_kib}, 5);
	snmp_varlist_add_variable(&v, o, l, ASN_GAUGE, (u_char *)&t, sizeof t);
	l = mk(o, root, rootlen, (oid[]){1, 2, 1, 3, (oid)size_kib}, 5);
	snmp_varlist_add_variable(&v, o, l, ASN_GAUGE, (u_char *)&f, sizeof f);
	send_vars(v);
}

static void add_text(netsnmp_variable_list **v, const oid *o, size_t l, const char *t)
{
	snmp_varlist_add_variable(v, o, l, ASN_OCTET_STR, (const u_char *)(t ? t : ""), t ? strlen(t) : 0);
}

void snmp_trap_ipsec(int which, long index, const char *name, const char *ts, const char *gateway, long child,
                     const char *reason)
{
	oid o[MAX_OID_LEN];
	size_t l;
	netsnmp_variable_list *v = NULL;
	l = mk(o, root, rootlen, (oid[]){0, (oid)which}, 2);
	snmp_varlist_add_variable(&v, trap_oid, 11, ASN_OBJECT_ID, (u_char *)o, l * sizeof(oid));
	l = mk(o, root, rootlen, (oid[]){1, 6, 1, 2, (oid)index}, 5);
	add_text(&v, o, l, name);
	l = mk(o, root, rootlen, (oid[]){1, 6, 1, 12, (oid)index}, 5);
	add_text(&v, o, l, ts);
	l = mk(o, root, rootlen, (oid[]){1, 6, 1, 3, (oid)index}, 5);
	add_text(&v, o, l, gateway);
	l = mk(o, root, rootlen, (oid[]){1, 6, 1, 5, (oid)index}, 5);
	snmp_varlist_add_variable(&v, o, l, ASN_INTEGER, (u_char *)&child, sizeof child);
	if (which == SNMP_NFX_IPSEC_DOWN) {
		l = mk(o, root, rootlen, (oid[]){1, 6, 1, 11, (oid)index}, 5);
		add_text(&v, o, l, reason);
	}
	send_vars(v);
}
