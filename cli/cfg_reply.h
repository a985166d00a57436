/* cfg_reply — the reply of an operational command, as data.
 *
 * As Junos's XML RPC replies: a tree of named elements under one root
 * element (<virtual-network-functions-information>), leaves carrying text
 * (<vnf-name>vrtr1</vnf-name>), elements of the same name repeated for
 * each entry. A handler fills a reply from the state it reads; the CLI
 * renders the reply as Junos text (the handler's text function), as XML
 * (`| display xml`, the 'Q' query frame, event frames) or as JSON
 * (`| display json`). Nothing parses `show` text.
 *
 * The element vocabulary of every reply is data: a <reply name="ROOT">
 * element in the operational schema (cli/schema/ops-*.xml, FORMAT.md),
 * whose nested <element name="..."/> children are the elements the reply
 * may hold; a command names its reply's root with reply="ROOT".
 * cfg_reply_check() checks a reply against it (the unit tests do, for
 * every command).
 *
 * Ownership: cfg_reply_new() returns a reply the caller frees with
 * cfg_reply_free() (NULL accepted). Elements belong to their reply; every
 * name and text is copied in. Element pointers stay valid until the reply
 * is freed. Allocation failure aborts (as cfg_buf).
 */
#ifndef NFX_CFG_REPLY_H
#define NFX_CFG_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg_buf.h"
#include "cfg_pipe.h"

/* One element. Read-only for callers (build with the functions below). */
struct cfg_rel {
	char *name;                  /* element name */
	char *text;                  /* leaf text, NULL for an element with children */
	struct cfg_rel *parent;
	struct cfg_rel *child, *last;
	struct cfg_rel *next;        /* next sibling (any name) */
};

struct cfg_reply;

/* A reply whose root element is ROOT (copied). */
struct cfg_reply *cfg_reply_new(const char *root);
void cfg_reply_free(struct cfg_reply *r);
/* The root element (owned by R). */
struct cfg_rel *cfg_reply_root(const struct cfg_reply *r);

/* ---- building ---- */

/* Append an element NAME (with children to come) below P. */
struct cfg_rel *cfg_rel_add(struct cfg_rel *p, const char *name);
/* Append a leaf NAME with text V below P; V NULL adds nothing and returns
 * NULL (an absent value is an absent element, as in Junos). */
struct cfg_rel *cfg_rel_leaf(struct cfg_rel *p, const char *name, const char *v);
/* The same with printf formatting. */
struct cfg_rel *cfg_rel_leaff(struct cfg_rel *p, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An empty leaf: a flag (<no-autostart/>). */
struct cfg_rel *cfg_rel_flag(struct cfg_rel *p, const char *name);

/* ---- reading (text renderers) ---- */

/* The first child of E named NAME, or NULL (E NULL gives NULL). */
struct cfg_rel *cfg_rel_child(const struct cfg_rel *e, const char *name);
/* The next sibling of E with E's name, or NULL. */
struct cfg_rel *cfg_rel_next_same(const struct cfg_rel *e);
/* Text of the child leaf NAME of E, or NULL when absent. */
const char *cfg_rel_value(const struct cfg_rel *e, const char *name);
/* The same, DFLT when absent. */
const char *cfg_rel_str(const struct cfg_rel *e, const char *name, const char *dflt);

/* ---- rendering ---- */

/* The reply as XML, indented by 4 spaces as `show configuration | display
 * xml`. Text is escaped; bytes that XML 1.0 cannot carry (control
 * characters, invalid UTF-8) become '?', so the result is well-formed. */
void cfg_reply_xml(struct cfg_buf *b, const struct cfg_reply *r);
/* The junos namespace of <rpc-reply xmlns:junos="...">, with nfx's version
 * where Junos has its release. */
#ifndef NFX_VERSION
#define NFX_VERSION "0"
#endif
#define CFG_REPLY_JUNOS_NS "http://xml.juniper.net/junos/" NFX_VERSION "/junos"
/* The reply as the CLI's `| display xml` shows it, wrapped as Junos wraps
 * it (its CLI prints the RPC reply and the CLI's own trailer):
 *   <rpc-reply xmlns:junos="http://xml.juniper.net/junos/VERSION/junos">
 *       <software-information>
 *           ...
 *       </software-information>
 *       <cli>
 *           <banner>{master:0}</banner>
 *       </cli>
 *   </rpc-reply>
 * BANNER NULL: an empty banner. */
void cfg_reply_xml_rpc(struct cfg_buf *b, const struct cfg_reply *r, const char *banner);
/* The first line and the trailer of that wrapper, for other contents (the
 * configuration, cfg_render.h). */
void cfg_reply_rpc_open(struct cfg_buf *b);
void cfg_reply_rpc_close(struct cfg_buf *b, const char *banner);
/* One element E and its subtree as XML, at INDENT spaces. */
void cfg_reply_xml_el(struct cfg_buf *b, const struct cfg_rel *e, unsigned indent);
/* The reply as JSON in the shape of Junos's operational `| display json`:
 * every element is a member whose value is an array of objects (one per
 * repeated element), a leaf's object holds its text as "data":
 *   {"vnf-information": [{"vnf-name": [{"data": "vrtr1"}]}]}
 * Written with jansson. 0, or -1 with cfg_err set. */
int cfg_reply_json(struct cfg_buf *b, const struct cfg_reply *r);

/* How a command shows R as text (the Junos output). */
typedef void (*cfg_reply_text_fn)(struct cfg_buf *out, const struct cfg_reply *r, void *arg);

/* Show R as the command's output in OUT: XML (cfg_reply_xml_rpc(), or
 * cfg_reply_xml() when DISP->bare) or JSON when DISP asks for it, else TEXT(OUT, R, ARG). Takes R (freed here). 0, or -1 with
 * cfg_err set. The dispatcher refuses display pipes on commands without a
 * reply before they run, so display set / compare never reach here. */
int cfg_reply_emit(struct cfg_reply *r, const struct cfg_pipe_display *disp, struct cfg_buf *out,
                   cfg_reply_text_fn text, void *arg);

/* Parse XML as cfg_reply_xml() writes it (a client reading a 'Q' answer,
 * a test checking `| display xml`). Whitespace-only text between elements
 * is dropped. Caller frees. NULL with cfg_err set when it is not XML. */
struct cfg_reply *cfg_reply_parse_xml(const char *buf, size_t len);

/* ---- the vocabulary (cli/schema/ops-*.xml <reply> elements) ---- */

struct cfg_reply_vocab;

/* Load the <reply> elements of the operational schema XML in BUF (LEN
 * bytes; NAME for messages). Caller frees. NULL with cfg_err set. */
struct cfg_reply_vocab *cfg_reply_vocab_load(const char *buf, size_t len, const char *name);
void cfg_reply_vocab_free(struct cfg_reply_vocab *v);
/* Is a reply with root element ROOT declared? */
bool cfg_reply_vocab_has(const struct cfg_reply_vocab *v, const char *root);
/* R holds only elements its <reply> declares, where they are declared, and
 * text only in elements declared without children. 0, or -1 with cfg_err
 * naming the first element that is not declared (as a path a/b/c). */
int cfg_reply_check(const struct cfg_reply_vocab *v, const struct cfg_reply *r);

#endif
