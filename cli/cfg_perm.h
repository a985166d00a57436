/* cfg_perm — permissions and login classes, as Junos has them.
 *
 * A permission is a name (`view`, `configure`, `reset`, ...). A login class
 * is a set of permissions; the classes are one table in cfg_perm.c (and the
 * same table in docs/PERMISSIONS.md):
 *
 *   unauthorized   (none)
 *   read-only      view
 *   operator       clear network reset trace view
 *   super-user     all
 *   ztp            configure control secret view view-configuration
 *                  (zero-touch provisioning's commits, jdm_ztp.h: it may
 *                  commit every statement, not log in, run a shell or
 *                  commands; no `system login` user can have it)
 *
 * What a command or a configuration hierarchy needs is schema data: the
 * `perm` attribute in the XML of cli/schema/ (FORMAT.md), inherited down the tree.
 *   - On commands (ops-*.xml, cfgmode.xml) `perm` names the permission that
 *     runs the command, or `none` (everyone who may log in: exit, quit, ...).
 *   - On configuration nodes (jdm.xml, jcp.xml) `perm` names a permission
 *     family F (`system`, `interface`, `admin`, `snmp`, `security`,
 *     `secret`): the node is seen with `view`, `view-configuration`, F or
 *     F-control, and changed with `configure` and F-control.
 * A node without a `perm` on itself or any ancestor is default deny: only a
 * class with all permissions (super-user) may run, see or change it.
 *
 * Nothing here allocates; all strings are static.
 */
#ifndef NFX_CFG_PERM_H
#define NFX_CFG_PERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg_schema.h"

/* A set of permissions, one bit each (cfg_perm_name() gives the names). */
typedef uint64_t cfg_perms;
#define CFG_PERMS_NONE ((cfg_perms)0)

/* Login classes. CFG_CLASS_NONE: not a known user (may not log in). */
enum cfg_class {
	CFG_CLASS_NONE = 0,
	CFG_CLASS_UNAUTHORIZED, /* logs in, may only leave (exit, quit) */
	CFG_CLASS_READ_ONLY,    /* view */
	CFG_CLASS_OPERATOR,     /* clear network reset trace view */
	CFG_CLASS_SUPER,        /* all */
	CFG_CLASS_ZTP,          /* the ztp user: commits the whole configuration */
};

/* The I-th permission name (I from 0), NULL past the last. */
const char *cfg_perm_name(unsigned i);
/* Its one-line description ("Can view current values, ..."). */
const char *cfg_perm_help(unsigned i);
/* The bit of permission NAME in *BIT ("none": 0). 0, or -1 with cfg_err
 * set when NAME is no permission. */
int cfg_perm_lookup(const char *name, cfg_perms *bit);
/* Every permission ("all"). */
cfg_perms cfg_perm_all(void);

/* The permissions of class C. */
cfg_perms cfg_perm_class(enum cfg_class c);
/* "super-user", "operator", "read-only", "unauthorized"; NULL for NONE. */
const char *cfg_perm_class_name(enum cfg_class c);
/* The class named NAME (as `system login user X class NAME`), NONE when
 * no class has that name. */
enum cfg_class cfg_perm_class_lookup(const char *name);
/* Render the permissions P as "clear network reset trace view" ("all" for
 * all, "none" for none) into BUF (size N); returns BUF. */
const char *cfg_perm_format(cfg_perms p, char *buf, size_t n);

/* The `perm` that governs S: its own or the nearest ancestor's, NULL when
 * neither S nor an ancestor declares one. */
const char *cfg_perm_declared(const struct cfg_schema *s);

/* Commands: P may run command node S (its governing `perm`). */
bool cfg_perm_may_run(cfg_perms p, const struct cfg_schema *s);
/* Commands, for completion: S may be run, or leads to a command that may. */
bool cfg_perm_may_reach(cfg_perms p, const struct cfg_schema *s);

/* Configuration: P may see node S / change S (S alone) / change S and
 * everything below it (deleting, replacing or loading it). */
bool cfg_perm_may_view(cfg_perms p, const struct cfg_schema *s);
bool cfg_perm_may_edit(cfg_perms p, const struct cfg_schema *s);
bool cfg_perm_may_edit_tree(cfg_perms p, const struct cfg_schema *s);

#endif
