/* jdm_hostif_ovs — owned ports of ovs-sys-br; see jdm_hostif_ovs.h. */
#include "jdm_hostif_ovs.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cfg_err.h"
#include "jdm_vswcfg.h"
#include "nfx_ovsdb.h"

#define OVS_TIMEOUT_MS 20000

static struct nfx_ovsdb_sync *connect_db(const char *sock)
{
	struct nfx_ovsdb_sync *s =
	    access(sock, F_OK) == 0 ? nfx_ovsdb_sync_open(sock, "Open_vSwitch", OVS_TIMEOUT_MS) : NULL;
	if (!s)
		cfg_err_set("the host-os switch is not running (no OVSDB server at %s)", sock);
	return s;
}

/* nfx_ovsdb_set / _map borrow their argument: these take it */
static json_t *set_of(json_t *items)
{
	json_t *r = nfx_ovsdb_set(items);
	json_decref(items);
	return r;
}

static json_t *map_of(json_t *obj)
{
	json_t *r = nfx_ovsdb_map(obj);
	json_decref(obj);
	return r;
}

static json_t *where_uuid(const char *uuid)
{
	return json_pack("[[s, s, o]]", "_uuid", "==", nfx_ovsdb_uuid(uuid));
}

static json_t *find_row(json_t *rows, const char *col, const char *val)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		json_t *v = json_object_get(r, col);
		const char *s = !strcmp(col, "_uuid") ? nfx_ovsdb_uuid_str(v) : json_string_value(v);
		if (s && !strcmp(s, val))
			return r;
	}
	return NULL;
}

static const char *owner_of(json_t *port)
{
	return json_string_value(nfx_ovsdb_map_get(json_object_get(port, "external_ids"), "nfx-owner"));
}

static int int_col(json_t *row, const char *col)
{
	json_t *v = json_object_get(row, col);
	return json_is_integer(v) ? (int)json_integer_value(v) : 0;
}

static json_t *opt_int(int v)
{
	return v > 0 ? json_integer(v) : set_of(json_array());
}

int jdm_hostif_ovs_sync(const char *db_sock, const char *owner, const struct jdm_hostif_port *p,
                        size_t n)
{
	struct nfx_ovsdb_sync *s = connect_db(db_sock);
	if (!s)
		return -1;
	json_t *sel = json_pack(
	    "[{s:s, s:s, s:[[s, s, s]], s:[s, s]},"
	    " {s:s, s:s, s:[], s:[s, s, s, s, s]},"
	    " {s:s, s:s, s:[], s:[s, s, s, s]}]",
	    "op", "select", "table", "Bridge", "where", "name", "==", JDM_VSWCFG_BRIDGE, "columns",
	    "_uuid", "ports",
	    "op", "select", "table", "Port", "where", "columns", "_uuid", "name", "tag", "interfaces",
	    "external_ids",
	    "op", "select", "table", "Interface", "where", "columns", "_uuid", "name", "type",
	    "mtu_request");
	json_t *res = NULL;
	int rc = nfx_ovsdb_sync_transact(s, sel, &res);
	json_decref(sel);
	if (rc == 0)
		rc = nfx_ovsdb_txn_check(res, 3);
	json_t *ops = json_array(), *add = json_array(), *del = json_array();
	json_t *br = rc == 0 ? json_array_get(json_object_get(json_array_get(res, 0), "rows"), 0) : NULL;
	if (rc == 0 && !br)
		rc = cfg_err_set("the host-os switch has no bridge %s yet", JDM_VSWCFG_BRIDGE);
	json_t *prows = json_object_get(json_array_get(res, 1), "rows");
	json_t *irows = json_object_get(json_array_get(res, 2), "rows");
	const char *bru = br ? nfx_ovsdb_uuid_str(json_object_get(br, "_uuid")) : NULL;
	/* the bridge's ports of OWNER that are not wanted */
	json_t *items, *one;
	size_t np = br ? nfx_ovsdb_set_items(json_object_get(br, "ports"), &items, &one) : 0;
	for (size_t i = 0; rc == 0 && i < np; i++) {
		const char *pu = nfx_ovsdb_uuid_str(items ? json_array_get(items, i) : one);
		json_t *pr = pu ? find_row(prows, "_uuid", pu) : NULL;
		const char *o = pr ? owner_of(pr) : NULL;
		const char *name = pr ? json_string_value(json_object_get(pr, "name")) : NULL;
		if (!o || strcmp(o, owner) || !name)
			continue;
		bool want = false;
		for (size_t k = 0; k < n && !want; k++)
			want = !strcmp(p[k].name, name);
		if (!want)
			json_array_append_new(del, nfx_ovsdb_uuid(pu));
	}
	for (size_t k = 0; rc == 0 && k < n; k++) {
		json_t *pr = find_row(prows, "name", p[k].name);
		if (pr) {
			const char *o = owner_of(pr);
			if (!o || strcmp(o, owner)) {
				rc = cfg_err_set("port %s of %s belongs to %s, not to %s", p[k].name,
				                 JDM_VSWCFG_BRIDGE, o ? o : "the host-os switch", owner);
				break;
			}
			const char *pu = nfx_ovsdb_uuid_str(json_object_get(pr, "_uuid"));
			if (int_col(pr, "tag") != p[k].tag)
				json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:{s:o}}", "op", "update",
				                                     "table", "Port", "where", where_uuid(pu),
				                                     "row", "tag", opt_int(p[k].tag)));
			const char *iu = nfx_ovsdb_uuid_str(nfx_ovsdb_set_at(json_object_get(pr, "interfaces"), 0));
			json_t *ir = iu ? find_row(irows, "_uuid", iu) : NULL;
			const char *type = ir ? json_string_value(json_object_get(ir, "type")) : NULL;
			const char *want_type = p[k].internal ? "internal" : "";
			if (ir && (int_col(ir, "mtu_request") != p[k].mtu || strcmp(type ? type : "", want_type)))
				json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:{s:s, s:o}}", "op",
				                                     "update", "table", "Interface", "where",
				                                     where_uuid(iu), "row", "type", want_type,
				                                     "mtu_request", opt_int(p[k].mtu)));
			continue;
		}
		char iname[32], pname[32];
		snprintf(iname, sizeof iname, "i%zu", k);
		snprintf(pname, sizeof pname, "p%zu", k);
		json_array_append_new(ops, json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:o}}", "op", "insert",
		                                     "table", "Interface", "uuid-name", iname, "row",
		                                     "name", p[k].name, "type",
		                                     p[k].internal ? "internal" : "", "mtu_request",
		                                     opt_int(p[k].mtu)));
		json_array_append_new(
		    ops, json_pack("{s:s, s:s, s:s, s:{s:s, s:o, s:o, s:o}}", "op", "insert", "table",
		                   "Port", "uuid-name", pname, "row", "name", p[k].name, "interfaces",
		                   nfx_ovsdb_named_uuid(iname), "tag", opt_int(p[k].tag), "external_ids",
		                   map_of(json_pack("{s:s}", "nfx-owner", owner))));
		json_array_append_new(add, nfx_ovsdb_named_uuid(pname));
	}
	if (rc == 0 && (json_array_size(add) || json_array_size(del))) {
		json_t *muts = json_array();
		if (json_array_size(del))
			json_array_append_new(muts, json_pack("[s, s, o]", "ports", "delete", nfx_ovsdb_set(del)));
		if (json_array_size(add))
			json_array_append_new(muts, json_pack("[s, s, o]", "ports", "insert", nfx_ovsdb_set(add)));
		json_array_append_new(ops, json_pack("{s:s, s:s, s:o, s:o}", "op", "mutate", "table",
		                                     "Bridge", "where", where_uuid(bru), "mutations", muts));
	}
	if (rc == 0 && json_array_size(ops)) {
		rc = nfx_ovsdb_commit(s, ops, true, NULL);
		if (rc < 0)
			cfg_err_set("the host-os switch refused the change: %s", cfg_err_msg());
	}
	json_decref(ops);
	json_decref(add);
	json_decref(del);
	json_decref(res);
	nfx_ovsdb_sync_close(s);
	return rc;
}

int jdm_hostif_ovs_mtu_request(const char *db_sock, const char *const *names, size_t n, int mtu)
{
	if (!n)
		return 0;
	struct nfx_ovsdb_sync *s = connect_db(db_sock);
	if (!s)
		return -1;
	json_t *ops = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ops, json_pack("{s:s, s:s, s:[[s, s, s]], s:{s:o}}", "op", "update",
		                                     "table", "Interface", "where", "name", "==", names[i],
		                                     "row", "mtu_request", opt_int(mtu)));
	int rc = nfx_ovsdb_commit(s, ops, true, NULL);
	if (rc < 0)
		cfg_err_set("the host-os switch refused the MTU %d: %s", mtu, cfg_err_msg());
	json_decref(ops);
	nfx_ovsdb_sync_close(s);
	return rc;
}
