/* jdm_sriov_ovs — emulated VF ports on the host-os switch over OVSDB; see
 * jdm_sriov_ovs.h. */
#include "jdm_sriov_ovs.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cfg_err.h"
#include "nfx_ovsdb.h"

#define OVS_TIMEOUT_MS 10000

struct jdm_sriov_ovs {
	char *sock, *bridge;
};

const struct jdm_sriov_emu_ops jdm_sriov_ovs_ops = {
	.port_add = jdm_sriov_ovs_port_add,
	.port_del = jdm_sriov_ovs_port_del,
};

struct jdm_sriov_ovs *jdm_sriov_ovs_new(const char *db_sock, const char *bridge)
{
	struct jdm_sriov_ovs *o = calloc(1, sizeof *o);
	if (!o || !(o->sock = strdup(db_sock ? db_sock : "")) ||
	    !(o->bridge = strdup(bridge ? bridge : "ovs-sys-br")))
		abort();
	return o;
}

void jdm_sriov_ovs_free(struct jdm_sriov_ovs *o)
{
	if (!o)
		return;
	free(o->sock);
	free(o->bridge);
	free(o);
}

static struct nfx_ovsdb_sync *connect_db(const char *sock)
{
	struct nfx_ovsdb_sync *s = access(sock, F_OK) == 0
	                               ? nfx_ovsdb_sync_open(sock, "Open_vSwitch", OVS_TIMEOUT_MS)
	                               : NULL;
	if (!s)
		cfg_err_set("the host-os switch is not running (no OVSDB server at %s)", sock);
	return s;
}

/* The UUID (into OUT) of the Port named PORT, and whether OWNER's:
 * 1 found, 0 not, -1 error. */
static int find_port(struct nfx_ovsdb_sync *s, const char *port, const char *owner, char out[64],
                     bool *ours)
{
	json_t *ops = json_pack("[{s:s, s:s, s:[[s,s,s]], s:[s,s]}]", "op", "select", "table", "Port",
	                        "where", "name", "==", port, "columns", "_uuid", "external_ids");
	json_t *res = NULL;
	int rc = nfx_ovsdb_sync_transact(s, ops, &res);
	json_decref(ops);
	if (rc < 0 || nfx_ovsdb_txn_check(res, 1) < 0) {
		json_decref(res);
		return -1;
	}
	json_t *rows = json_object_get(json_array_get(res, 0), "rows");
	json_t *row = json_array_get(rows, 0);
	if (!row) {
		json_decref(res);
		return 0;
	}
	const char *u = nfx_ovsdb_uuid_str(json_object_get(row, "_uuid"));
	snprintf(out, 64, "%s", u ? u : "");
	json_t *o = nfx_ovsdb_map_get(json_object_get(row, "external_ids"), "nfx-owner");
	*ours = json_is_string(o) && !strcmp(json_string_value(o), owner);
	json_decref(res);
	return 1;
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

static json_t *tag_value(int vlan)
{
	return vlan > 0 ? json_integer(vlan) : set_of(json_array());
}

int jdm_ovs_owned_port_add(const char *db_sock, const char *bridge, const char *port, int vlan,
                           const char *owner, const char *pf)
{
	struct nfx_ovsdb_sync *s = connect_db(db_sock);
	if (!s)
		return -1;
	char uuid[64];
	bool ours = false;
	int found = find_port(s, port, owner, uuid, &ours);
	json_t *ops = NULL;
	if (found < 0)
		goto fail;
	if (found && !ours) {
		if (!strcmp(owner, "sriov"))
			cfg_err_set("port %s on %s is not an emulated virtual function's", port, bridge);
		else
			cfg_err_set("port %s on %s is not %s's", port, bridge, owner);
		goto fail;
	}
	json_t *ext = pf ? map_of(json_pack("{s:s, s:s}", "nfx-owner", owner, "nfx-pf", pf))
	                 : map_of(json_pack("{s:s}", "nfx-owner", owner));
	if (found) {
		ops = json_pack("[{s:s, s:s, s:[[s,s,o]], s:{s:o, s:o}}]", "op", "update", "table", "Port",
		                "where", "_uuid", "==", nfx_ovsdb_uuid(uuid), "row", "tag",
		                tag_value(vlan), "external_ids", ext);
	} else {
		ops = json_pack(
			"[{s:s, s:s, s:{s:s}, s:s}, {s:s, s:s, s:{s:s, s:o, s:o, s:o}, s:s},"
			" {s:s, s:s, s:[[s,s,s]], s:[[s,s,o]]}]",
			"op", "insert", "table", "Interface", "row", "name", port, "uuid-name", "iface",
			"op", "insert", "table", "Port", "row", "name", port, "interfaces",
			nfx_ovsdb_named_uuid("iface"), "tag", tag_value(vlan), "external_ids", ext,
			"uuid-name", "port",
			"op", "mutate", "table", "Bridge", "where", "name", "==", bridge, "mutations",
			"ports", "insert", set_of(json_pack("[o]", nfx_ovsdb_named_uuid("port"))));
	}
	json_t *res = NULL;
	if (!ops || nfx_ovsdb_commit(s, ops, true, &res) < 0) {
		if (!ops)
			cfg_err_set("out of memory");
		json_decref(res);
		goto fail;
	}
	/* the bridge must have been there: the mutate counted one row */
	if (!found && json_integer_value(json_object_get(json_array_get(res, 2), "count")) != 1) {
		json_decref(res);
		cfg_err_set("the host-os switch has no bridge %s", bridge);
		goto fail;
	}
	json_decref(res);
	json_decref(ops);
	nfx_ovsdb_sync_close(s);
	return 0;
fail:
	json_decref(ops);
	nfx_ovsdb_sync_close(s);
	return -1;
}

int jdm_sriov_ovs_port_add(void *ctx, const char *port, int vlan, const char *pf)
{
	struct jdm_sriov_ovs *o = ctx;
	return jdm_ovs_owned_port_add(o->sock, o->bridge, port, vlan, "sriov", pf);
}

int jdm_ovs_owned_port_del(const char *db_sock, const char *bridge, const char *port,
                           const char *owner)
{
	struct nfx_ovsdb_sync *s = connect_db(db_sock);
	if (!s)
		return -1;
	char uuid[64];
	bool ours = false;
	int found = find_port(s, port, owner, uuid, &ours);
	int rc = found < 0 ? -1 : 0;
	if (found > 0 && ours) {
		json_t *ops = json_pack("[{s:s, s:s, s:[[s,s,s]], s:[[s,s,o]]}]", "op", "mutate", "table",
		                        "Bridge", "where", "name", "==", bridge, "mutations", "ports",
		                        "delete", set_of(json_pack("[o]", nfx_ovsdb_uuid(uuid))));
		json_t *res = NULL;
		if (!ops || nfx_ovsdb_commit(s, ops, true, &res) < 0)
			rc = -1;
		json_decref(res);
		json_decref(ops);
	}
	nfx_ovsdb_sync_close(s);
	return rc;
}

int jdm_sriov_ovs_port_del(void *ctx, const char *port)
{
	struct jdm_sriov_ovs *o = ctx;
	return jdm_ovs_owned_port_del(o->sock, o->bridge, port, "sriov");
}
