/* nc_yang — YANG modules emitted from the configuration schema.
 *
 * Owns turning cli/schema/jdm.xml and jcp.xml (the one source of the
 * configuration's shape) into YANG 1.1 modules `nfx-jdm` and `nfx-jcp`:
 * containers, lists with their keys, leaves with types (int ranges, enums,
 * flags as `empty`), leaf-lists, mandatory, ordered-by user, help as
 * description. Nothing is kept in parallel: `get-schema` (RFC 6022) and
 * `<hello>` serve what this module prints from the embedded schema, and
 * `nfx-netconf --yang NAME` prints it for yanglint.
 */
#ifndef NFX_NC_YANG_H
#define NFX_NC_YANG_H

#include "cfg_buf.h"

#define NC_YANG_REVISION "2026-12-01"
#define NC_YANG_NS_PREFIX "http://nfx.example.net/yang/"

/* The module NAME ("nfx-jdm", "nfx-jcp") into OUT. 0, or -1: no such module. */
int nc_yang_module(const char *name, struct cfg_buf *out);
/* RFC 6022 <schemas> (inside <netconf-state>): one <schema> per module. */
void nc_yang_schemas(struct cfg_buf *out);
/* <capability> lines advertising the modules. */
void nc_yang_capabilities(struct cfg_buf *out);

#endif
