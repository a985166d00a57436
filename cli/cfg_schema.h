/* cfg_schema — the configuration schema, as data.
 *
 * One schema per daemon (jdm, jcp), loaded from an XML file in cli/schema/
 * (format: cli/schema/FORMAT.md). Completion, `?` help, validation and all
 * renderers read this structure; no command grammar lives in code.
 *
 * The same structure also describes operational and configuration-mode
 * *commands* (cli/schema/commands-*.xml): containers are command keywords,
 * a container with a `handler` is a runnable command, leaves are arguments.
 *
 * Ownership: cfg_schema_load() returns a tree that owns every node and
 * string below it; free it with cfg_schema_free(). Nodes are immutable
 * after loading and may be shared freely by any number of config trees.
 */
#ifndef NFX_CFG_SCHEMA_H
#define NFX_CFG_SCHEMA_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum cfg_kind {
	CFG_CONTAINER, /* keyword with children: `system { ... }` */
	CFG_LIST,      /* keyed entries: `vlans v100 { ... }` */
	CFG_LEAF,      /* one value (or a flag when type is CFG_T_FLAG) */
	CFG_LEAFLIST,  /* several values: `members [ v100 v200 ];` */
};

enum cfg_type {
	CFG_T_NONE = 0,  /* containers */
	CFG_T_FLAG,      /* leaf without value: `no-autostart;` */
	CFG_T_STRING,    /* any word (quoted if it has spaces) */
	CFG_T_NAME,      /* identifier: letters, digits and _.:/-* ; 1..64 chars, not starting with - */
	CFG_T_VNFNAME,   /* a name that is also a file name and a domain name (VNF):
	                    1..CFG_VNFNAME_MAX of letters, digits and _.- ,
	                    not starting with '.' or '-' (so never "." or "..") */
	CFG_T_INT,       /* decimal integer in [min, max] */
	CFG_T_ENUM,      /* one of enums[] */
	CFG_T_IPV4,      /* A.B.C.D */
	CFG_T_IPV4PFX,   /* A.B.C.D/N */
	CFG_T_SECRET,    /* stored secret (hash); rendered with `## SECRET-DATA` */
	CFG_T_PASSWORD,  /* flag that prompts twice for a password and stores
	                    its crypt(SHA-512) hash in the sibling named by
	                    `target` (CFG_T_SECRET); never stored itself */
};

/* Longest VNF name (CFG_T_VNFNAME). */
#define CFG_VNFNAME_MAX 32

/* flags */
#define CFG_F_MANDATORY  0x0001u /* must be present when its parent is */
#define CFG_F_PRESENCE   0x0002u /* container that means something when empty */
#define CFG_F_POSITIONAL 0x0004u /* leaf value / list key written without the keyword */
#define CFG_F_ORDERED    0x0008u /* list/leaf-list ordered by user (`insert`) */
#define CFG_F_UNIT       0x0010u /* list whose keys accept `name.N` = `name unit N` */
#define CFG_F_UNIQUE     0x0020u /* leaf value unique among entries of the enclosing list */
#define CFG_F_HIDDEN     0x0040u /* accepted but not offered by completion */
#define CFG_F_MULTI      0x0080u /* command container: after an argument, keep parsing here */
#define CFG_F_REST       0x0100u /* command leaf that takes all remaining tokens */
#define CFG_F_NOPIPE     0x0400u /* command that prints nothing to pipe (a change) */
#define CFG_F_FLAT       0x0200u /* container shown merged with each child:
                                    `family inet { ... }` (Junos) */

struct cfg_schema {
	const char *name;      /* keyword; for positional nodes the placeholder name */
	const char *help;      /* one line, shown by `?` */
	enum cfg_kind kind;
	enum cfg_type type;    /* leaf / leaf-list value type; list key type */
	unsigned flags;
	int64_t min, max;      /* CFG_T_INT range (inclusive) */
	const char **enums;    /* CFG_T_ENUM values, n_enums of them */
	size_t n_enums;
	const char *dflt;      /* default value shown by help, or NULL */
	const char *ref;       /* leaf/leaf-list: value must be a key of the list at
	                          this absolute path (words separated by spaces,
	                          e.g. "host-os vlans"), checked by validation */
	const char *target;    /* CFG_T_PASSWORD (or a transform): name of the sibling SECRET leaf */
	const char *transform; /* leaf: cfg_xform.h transform whose result goes to `target` */
	const char *handler;   /* commands: name of the C handler to run */
	const char *reply;     /* commands: root element of the command's reply
	                          (cfg_reply.h), NULL when it has none */
	const char *key_name;  /* CFG_LIST: placeholder of the key, e.g. "name" */
	const char *key_help;  /* CFG_LIST: help of the key */
	const char *unit;      /* CFG_F_UNIT: name of the child list the `.N` goes to */
	const char *perm;      /* `perm` attribute as written, NULL when absent:
	                          the permission a command needs, or the
	                          permission family of a configuration hierarchy
	                          (inherited; cfg_perm.h reads it) */

	struct cfg_schema *parent;         /* NULL for the root */
	struct cfg_schema **children;      /* in display order */
	size_t n_children;
	unsigned index;                    /* position among parent's children */
	unsigned depth;                    /* root = 0 */
};

/* Load the schema in the XML file PATH. Returns NULL with cfg_err set
 * (file, line and what is wrong). Caller owns the result. */
struct cfg_schema *cfg_schema_load(const char *path);
/* Same, from a memory buffer (NAME used in messages). */
struct cfg_schema *cfg_schema_load_mem(const char *buf, size_t len, const char *name);
void cfg_schema_free(struct cfg_schema *root);

/* The child of S whose keyword is exactly NAME, or NULL. */
const struct cfg_schema *cfg_schema_child(const struct cfg_schema *s, const char *name);
/* The first positional child of S (leaf or list), or NULL. */
const struct cfg_schema *cfg_schema_positional(const struct cfg_schema *s);

/* Check VALUE against the value type of S (leaf, leaf-list or list key).
 * Returns 0, or -1 with cfg_err set to the Junos-style reason, e.g.
 * "Value 5000 is not within range (1..4094)" or "invalid value". */
int cfg_schema_check_value(const struct cfg_schema *s, const char *value);

/* The placeholder shown in help for S's value: "<name>", "<vlan-id>". Writes
 * into BUF (size N) and returns BUF. */
const char *cfg_schema_placeholder(const struct cfg_schema *s, char *buf, size_t n);

#endif
