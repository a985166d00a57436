/* cfg_xform — value transforms of the schema: a leaf written with
 * transform="NAME" target="SIBLING" (FORMAT.md) is never stored itself; when
 * a statement sets it (set, load set, load merge), cfg_tree_set() stores
 * NAME(value) in the sibling leaf SIBLING instead (a secret). The SNMPv3
 * passwords use it: `authentication-password P` is stored as the key
 * `authentication-key` derived from P (jdm_snmp registers "snmp-key"), so
 * the password itself never reaches the candidate, the store or a log.
 *
 * Transforms are registered by the daemon that owns the hierarchy, at start
 * (before any session): the registry is process-global and not locked.
 * A leaf whose transform is not registered cannot be set ("not available").
 *
 * Ownership: FN returns a malloc'ed string the caller frees (and wipes).
 */
#ifndef NFX_CFG_XFORM_H
#define NFX_CFG_XFORM_H

/* IN -> *OUT (malloc'ed). 0, or -1 with cfg_err set. */
typedef int (*cfg_xform_fn)(const char *in, char **out);

/* Register FN under NAME (static string). 0, or -1 (full, or a duplicate). */
int cfg_xform_register(const char *name, cfg_xform_fn fn);
/* Run the transform NAME on IN. 0, or -1 with cfg_err set. */
int cfg_xform_run(const char *name, const char *in, char **out);

#endif
