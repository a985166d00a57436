/* nc_filter — RFC 6241 subtree filtering (section 6) of configuration XML.
 *
 * Owns selecting the parts of a <configuration> document a <filter> (or a
 * Junos <get-configuration> <configuration> subtree) asks for: containment
 * nodes descend, selection nodes (empty) take the whole subtree,
 * content-match nodes (text) keep only the siblings sets whose child has
 * that text (a list entry by its key). The filter's element names are
 * matched by local name, so a client's namespace on them does not matter.
 */
#ifndef NFX_NC_FILTER_H
#define NFX_NC_FILTER_H

#include <stddef.h>

#include <libxml/tree.h>

#include "cfg_buf.h"

/* CONF (LEN bytes, an XML document whose root is <configuration>) through
 * FILTER into OUT (no XML declaration). A filter whose child is not
 * <configuration> is read as the statements under it. */
void nc_filter_apply(struct cfg_buf *out, const char *conf, size_t len, xmlNodePtr filter);

#endif
