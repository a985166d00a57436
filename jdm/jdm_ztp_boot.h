/* jdm_ztp_boot — one zero-touch provisioning attempt after DHCP: for each
 * bootstrap URL in order, until one succeeds (jdm_ztp.h says when):
 *   - URL (the configuration, set or curly format) and URL.p7s (its
 *     detached CMS signature) by jdm_ztp_get (HTTPS, client certificate,
 *     the anchor only); the signer must chain to the anchor; a sha256 from
 *     the DHCP option must match, and is never enough alone; without
 *     ALLOW_PLAIN a missing signature refuses the URL;
 *   - the text loaded into a new tree (`load override` of an empty one;
 *     all or nothing);
 *   - the VNF images it names in IMAGE_DIR: URL.images (sha256sum lines)
 *     signed as URL.images.p7s gives each one's hash; a missing or
 *     different image is fetched from beside URL into IMAGE_DIR (as
 *     .NAME.ztp-part, renamed only once its sha256 matches) and gets its
 *     NAME.sha256 sidecar; an image the list does not name must already be
 *     there.
 * Runs on a thread of jdm_ztp (blocking transfers; reads only SCHEMA,
 * which is immutable). Nothing of the daemon is touched.
 *
 * Ownership: the result's tree is the caller's (cfg_tree_free).
 */
#ifndef NFX_JDM_ZTP_BOOT_H
#define NFX_JDM_ZTP_BOOT_H

#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "cfg_tree.h"
#include "jdm_ztp_opt.h"

/* What an attempt works from (filled by the caller). */
struct jdm_ztp_boot {
	char urls[JDM_ZTP_MAX_URLS][JDM_ZTP_URL_MAX];
	size_t n_urls;
	char sha256[65];           /* from option 43, "" when none */
	bool allow_plain;          /* system ztp allow-unsigned */
	char anchor[PATH_MAX], cert[PATH_MAX], key[PATH_MAX];
	bool have_cert;            /* present cert/key as the TLS client identity */
	char image_dir[PATH_MAX];
	const struct cfg_schema *schema;
	const atomic_bool *cancel; /* set: stop as soon as possible (may be NULL) */
};

/* What it got. */
struct jdm_ztp_got {
	int rc;                    /* 0: TREE is the configuration to commit */
	char reason[512];          /* why not (the first URL's reason) */
	char url[JDM_ZTP_URL_MAX]; /* the URL the result is about */
	char signer[256];          /* subject of the configuration's signer */
	struct cfg_tree *tree;
	char note[256];            /* images fetched, unsigned data accepted */
};

/* Run the attempt B into G. 0 or -1 (G->reason). */
int jdm_ztp_boot_run(const struct jdm_ztp_boot *b, struct jdm_ztp_got *g);

#endif
