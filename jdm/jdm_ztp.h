/* jdm_ztp — zero-touch provisioning of a factory-default box: the "ztp"
 * subsystem of jdmd (one row of its registry, cfg_subsys.h), last in the
 * order, owning `system ztp` (jdm_ztp_owns).
 *
 * Factory default: the active configuration holds nothing but `system ztp`
 * statements (a fresh store, or everything deleted and committed). Only
 * then, and unless `system ztp disable`, ZTP runs; any other committed
 * statement stops it (the DHCP client is stopped, a transfer under way is
 * abandoned, nothing is committed): it never touches a configured box.
 *
 * One attempt, driven by the row's tick on the loop thread:
 *   1. discovering: busybox udhcpc (argv, never a shell line) on jmgmt0 in
 *      jdmd's network namespace, asking for options 43, 143, 150, 66; its
 *      script (STATE/ztp/udhcpc.script, written by jdmd) only writes the
 *      lease to STATE/ztp/lease; jdmd sets jmgmt0's address itself
 *      (rtnetlink) and decodes the options (jdm_ztp_opt.h);
 *   2. fetching (jdm_ztp_boot.h, on a thread of this module, never the
 *      loop): for each
 *      bootstrap URL, the configuration and its detached CMS signature
 *      URL.p7s over HTTPS with the device identity as client certificate
 *      (jdm_ztp_fetch.h); the signature must chain to the trust anchor; a
 *      hash in option 43 must match but is never enough. If the
 *      configuration names VNF images in the image directory, URL.images
 *      (sha256sum lines, signed by URL.images.p7s) gives their hashes; each
 *      missing image is fetched from beside URL into the image directory,
 *      checked, and gets its NAME.sha256 sidecar, before the commit;
 *   3. committing: the text (curly or set format) is loaded as `load
 *      override` into a new tree and committed as a job
 *      (cfg_daemon_commit_start) by user `ztp`, comment "ztp: URL".
 * Any failure: the box stays factory default, the reason is kept for
 * `show system ztp` and logged ("jdmd: ztp: ..."), and the attempt is
 * repeated after a backoff (RETRY seconds, doubled each time, at most 10
 * minutes; NFX_ZTP_RETRY / --ztp-retry).
 *
 * Safety: ZTP runs DHCP only when jdmd runs in a named network namespace
 * (/run/netns/NAME, as ./nfx up makes) and jmgmt0 exists (NFX_ZTP=on lifts the first
 * check, for a real appliance; NFX_ZTP=off turns ZTP off).
 *
 * Trust anchor: --ztp-ca FILE (NFX_ZTP_CA), else STATE/ztp/ca.pem when it
 * exists, else /etc/nfx/ztp-ca.pem (installed with nfx). Device identity:
 * STATE/ztp/device.key (0600), serial, device.csr, device.crt
 * (jdm_ztp_fetch.h; `jdmd --ztp-identity` makes them).
 *
 * `show system ztp` is a reply (ztp-information) and every state change is
 * a `ztp-event` (cfg_notify.h): what an SNMP agent reads and traps on.
 *
 * Ownership: jdm_ztp_new() returns a handle freed with jdm_ztp_free()
 * (stops udhcpc, abandons a transfer). Options are copied.
 */
#ifndef NFX_JDM_ZTP_H
#define NFX_JDM_ZTP_H

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_tree.h"

struct cfg_daemon;
struct cfg_diff;
struct jdm_ztp;

struct jdm_ztp_opts {
	const char *anchor;    /* trust anchor; NULL: the default (above) */
	const char *image_dir; /* where images go; NULL: /var/third-party/images */
	unsigned retry_s;      /* first backoff; 0: 30 s */
	const char *mode;      /* "auto" (NULL), "on", "off" */
};

struct jdm_ztp *jdm_ztp_new(struct cfg_daemon *d, const struct jdm_ztp_opts *o);
void jdm_ztp_free(struct jdm_ztp *z);

extern const char *const jdm_ztp_owns[];

/* The row's callbacks (CTX: the struct jdm_ztp). apply/converge do nothing
 * but note the change: the tick follows the active configuration. */
int jdm_ztp_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                  struct cfg_findings *fs);
int jdm_ztp_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                     struct cfg_findings *fs);
void jdm_ztp_tick(void *ctx);

/* Is T factory default (nothing but `system ztp`)? */
bool jdm_ztp_factory(const struct cfg_tree *t);

#endif
