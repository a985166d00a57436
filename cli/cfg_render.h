/* cfg_render — configuration as text: curly braces, `display set`,
 * `display set relative`, `show | compare`, `display xml`, `display json`.
 *
 * All renderers walk the tree in display order and take their keywords and
 * formatting from the schema. Output is appended to a cfg_buf owned by the
 * caller. AT is the node whose contents are shown (the root, or the edit
 * path / `show PATH` node); renderers print AT's children, not AT itself,
 * except display set, which always prints full paths (or, with relative,
 * paths relative to AT).
 */
#ifndef NFX_CFG_RENDER_H
#define NFX_CFG_RENDER_H

#include "cfg_buf.h"
#include "cfg_tree.h"

/* Secrets (schema type `secret`: encrypted-password, keys): without
 * CFG_R_SECRETS every renderer prints CFG_RENDER_SECRET_HIDDEN in place of
 * the value, as Junos does for a user without the `secret` permission
 * (curly and compare: `encrypted-password` HIDDEN `;`, display set: `set ...
 * encrypted-password` HIDDEN, xml and json: HIDDEN as the element's text /
 * the member's string). With it the value is printed (always quoted) and
 * curly adds `## SECRET-DATA`. Hidden is the default: pass CFG_R_SECRETS
 * only for the store and for sessions where cfg_session_may_see_secrets()
 * is true. Edit paths (`[edit ...]`, findings, compare headers) never show
 * a secret. */
#define CFG_R_SECRETS   0x1u /* print SECRET values (store, users with `secret`) */
#define CFG_RENDER_SECRET_HIDDEN "/* SECRET-DATA */"
#define CFG_R_FULL      0x2u /* display set: also `deactivate PATH` and
                                `annotate PATH "text"` lines, so that the text
                                loads back into the same tree (store format) */
#define CFG_R_NOINACTIVE 0x4u /* skip inactive nodes (what commit applies) */

/* Curly format, 4 spaces per level starting at INDENT spaces. */
void cfg_render_curly(struct cfg_buf *b, const struct cfg_node *at, unsigned indent, unsigned opts);
/* One statement (the node itself and its subtree) in curly format. */
void cfg_render_curly_node(struct cfg_buf *b, const struct cfg_node *n, unsigned indent, unsigned opts);
/* `set ...` lines; RELATIVE: paths relative to AT, else from the root. */
void cfg_render_set(struct cfg_buf *b, const struct cfg_node *at, bool relative, unsigned opts);
/* `show | compare`: OLD and NEW are the same place in two trees (either may
 * be NULL when absent). Prints `[edit ...]` headers and +/- lines as in
 * docs/CLI.md; nothing when equal. */
void cfg_render_compare(struct cfg_buf *b, const struct cfg_node *old_at, const struct cfg_node *new_at,
                        unsigned opts);
void cfg_render_xml(struct cfg_buf *b, const struct cfg_node *at, unsigned opts);
void cfg_render_json(struct cfg_buf *b, const struct cfg_node *at, unsigned opts);

/* What Junos says about the configuration it shows: the commit it comes
 * from (`show configuration`), or when the candidate changed (`show` in
 * configuration mode). */
struct cfg_render_meta {
	long long seconds;  /* unix time; < 0: not known (no attributes) */
	const char *user;   /* the commit's user: junos:commit-*; NULL: junos:changed-* */
	const char *banner; /* <cli><banner> text ("{master:0}[edit]"), NULL: "" */
};
/* `show configuration | display xml` as Junos's CLI prints it:
 *   <rpc-reply xmlns:junos="http://xml.juniper.net/junos/VERSION/junos">
 *       <configuration junos:commit-seconds="1796115851"
 *           junos:commit-localtime="2026-12-01 09:04:11 UTC" junos:commit-user="root">
 *               <system>...           (statements at 12 spaces, as Junos)
 *       </configuration>
 *       <cli>
 *           <banner>{master:0}</banner>
 *       </cli>
 *   </rpc-reply>
 * (the attributes on the <configuration> line). M NULL: no attributes. */
void cfg_render_xml_rpc(struct cfg_buf *b, const struct cfg_node *at, unsigned opts,
                        const struct cfg_render_meta *m);
/* `| display json` with the attributes as Junos's "@" member:
 *   {"configuration" : {"@" : {"junos:commit-seconds" : "...",
 *    "junos:commit-localtime" : "...", "junos:commit-user" : "root"}, ...}}
 * M NULL: as cfg_render_json(). */
void cfg_render_json_meta(struct cfg_buf *b, const struct cfg_node *at, unsigned opts,
                          const struct cfg_render_meta *m);

/* `[edit a b c]` for the path of N (`[edit]` for the root). */
void cfg_render_edit_path(struct cfg_buf *b, const struct cfg_node *n);
/* The words of the path of N from the root, space separated, values quoted
 * (a secret value hidden). */
void cfg_render_path_words(struct cfg_buf *b, const struct cfg_node *n);

#endif
