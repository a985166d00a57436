/* jdm_ztp_boot — one provisioning attempt's transfers and checks. See
 * jdm_ztp_boot.h. */
#include "jdm_ztp_boot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_curly.h"
#include "cfg_err.h"
#include "cfg_load.h"
#include "jdm_proc.h"
#include "jdm_ztp_fetch.h"

#define CONFIG_MAX (16u << 20)              /* a configuration or its signature */
#define IMAGE_MAX ((uint64_t)8 << 30)       /* an image */


/* The directory part of URL ("https://h/a/b.conf" -> "https://h/a/"). */
static void url_dir(const char *url, char *out, size_t n)
{
	snprintf(out, n, "%s", url);
	char *s = strstr(out, "://");
	char *slash = strrchr(s ? s + 3 : out, '/');
	if (slash)
		slash[1] = '\0';
	else
		snprintf(out + strlen(out), n - strlen(out), "/");
}

static bool set_format(const char *text)
{
	const char *p = text;
	while (*p) {
		p += strspn(p, " \t\r\n");
		if (*p == '#') {
			p += strcspn(p, "\n");
			continue;
		}
		return !strncmp(p, "set ", 4) || !strncmp(p, "delete ", 7) ||
		       !strncmp(p, "deactivate ", 11) || !strncmp(p, "activate ", 9);
	}
	return false;
}

/* The first line of ERRS (for a reason). */
static void first_line(const struct cfg_buf *errs, char *out, size_t n)
{
	const char *t = errs->p ? errs->p : "";
	snprintf(out, n, "%.*s", (int)strcspn(t, "\n"), t);
}

/* GET URL and URL.p7s; verify. 0 or -1 (reason in R). */
static int fetch_signed(const struct jdm_ztp_boot *j, const struct jdm_ztp_tls *tls, const char *url,
                        struct cfg_buf *body, const char *hash, struct jdm_ztp_got *r)
{
	if (jdm_ztp_get(tls, url, CONFIG_MAX, body) < 0)
		return snprintf(r->reason, sizeof r->reason, "%s", cfg_err_msg()), -1;
	if (hash && hash[0]) {
		char h[65];
		jdm_ztp_sha256_hex(body->p ? body->p : "", body->len, h);
		if (strcmp(h, hash) != 0)
			return snprintf(r->reason, sizeof r->reason,
			                "%s: does not match the sha256 of the DHCP option", url), -1;
	}
	char *su = jdm_xasprintf("%s.p7s", url);
	struct cfg_buf sig = {0};
	int rc = jdm_ztp_get(tls, su, CONFIG_MAX, &sig);
	if (rc < 0) {
		if (j->allow_plain) {
			snprintf(r->note, sizeof r->note, "unsigned (allowed by system ztp allow-unsigned)");
			rc = 0;
		} else {
			snprintf(r->reason, sizeof r->reason, "no valid signature for %s (%s)%s", url,
			         cfg_err_msg(),
			         hash && hash[0] ? "; a hash in a DHCP option is not enough" : "");
		}
	} else if (jdm_ztp_verify(j->anchor, body->p ? body->p : "", body->len, sig.p, sig.len,
	                          r->signer, sizeof r->signer) < 0) {
		snprintf(r->reason, sizeof r->reason, "%s: %s", su, cfg_err_msg());
		rc = -1;
	}
	free(su);
	cfg_buf_free(&sig);
	return rc;
}

/* The sha256 of NAME in the sha256sum-format MANIFEST into HEX; 0 or -1. */
static int manifest_hash(const char *manifest, const char *name, char hex[65])
{
	const char *p = manifest;
	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		char line[600];
		if (l < sizeof line) {
			memcpy(line, p, l);
			line[l] = '\0';
			char h[65], n[512];
			if (sscanf(line, "%64s %511s", h, n) == 2 && strlen(h) == 64) {
				const char *nn = n[0] == '*' ? n + 1 : n;
				if (!strcmp(nn, name)) {
					snprintf(hex, 65, "%s", h);
					for (char *c = hex; *c; c++)
						if (*c >= 'A' && *c <= 'F')
							*c = (char)(*c - 'A' + 'a');
					return 0;
				}
			}
		}
		p = e ? e + 1 : NULL;
	}
	return -1;
}

static int write_sidecar(const char *path, const char *hex, const char *name)
{
	char *sc = jdm_xasprintf("%s.sha256", path);
	char *tmp = jdm_xasprintf("%s.sha256.ztp-part", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	int rc = -1;
	if (fd >= 0) {
		rc = dprintf(fd, "%s  %s\n", hex, name) > 0 && fsync(fd) == 0 ? 0 : -1;
		close(fd);
		if (rc == 0 && rename(tmp, sc) < 0)
			rc = -1;
	}
	if (rc < 0)
		unlink(tmp);
	free(sc);
	free(tmp);
	return rc < 0 ? cfg_err_set("%s.sha256: cannot write it", path) : 0;
}

/* The images T names in the image directory: fetched and checked. */
static int fetch_images(const struct jdm_ztp_boot *j, const struct jdm_ztp_tls *tls, const char *url,
                        const struct cfg_tree *t, struct jdm_ztp_got *r)
{
	struct cfg_node *vnfs = cfg_tree_at(t, NULL, "virtual-network-functions", 0);
	char *manifest = NULL;
	bool tried = false;
	int rc = 0, got = 0;
	char dir[JDM_ZTP_URL_MAX];
	url_dir(url, dir, sizeof dir);
	size_t dl = strlen(j->image_dir);
	for (struct cfg_node *v = cfg_node_child(vnfs, "vnf", NULL, 0); v && rc == 0;
	     v = cfg_node_next_same(v, 0)) {
		const char *path = cfg_node_value(cfg_node_child(v, "image", NULL, 0), "path", 0);
		if (!path)
			continue;
		const char *name = path + dl + 1;
		bool inside = !strncmp(path, j->image_dir, dl) && path[dl] == '/' && *name &&
		              !strchr(name, '/') && name[0] != '.';
		char want[65], have[65];
		if (!inside)
			continue; /* elsewhere: the commit check confines it */
		if (!tried) {
			tried = true;
			char *mu = jdm_xasprintf("%s.images", url);
			struct cfg_buf mb = {0};
			struct jdm_ztp_got mr = {0};
			if (fetch_signed(j, tls, mu, &mb, NULL, &mr) == 0) {
				manifest = cfg_buf_steal(&mb);
			} else {
				snprintf(r->note, sizeof r->note, "no signed image list (%.200s)", mr.reason);
			}
			cfg_buf_free(&mb);
			free(mu);
		}
		bool listed = manifest && manifest_hash(manifest, name, want) == 0;
		bool present = access(path, F_OK) == 0;
		if (!listed) {
			if (present)
				continue; /* pre-staged: the commit check inspects it */
			rc = -1;
			snprintf(r->reason, sizeof r->reason, "image %s is not in the signed image list%s%s",
			         name, r->note[0] ? ": " : "", r->note);
			break;
		}
		if (present && jdm_ztp_sha256_file(path, have) == 0 && !strcmp(have, want)) {
			if (write_sidecar(path, want, name) < 0)
				rc = -1, snprintf(r->reason, sizeof r->reason, "%s", cfg_err_msg());
			continue;
		}
		char *iu = jdm_xasprintf("%s%s", dir, name);
		char *part = jdm_xasprintf("%s/.%s.ztp-part", j->image_dir, name);
		if (jdm_ztp_get_file(tls, iu, IMAGE_MAX, part, have) < 0) {
			rc = -1;
			snprintf(r->reason, sizeof r->reason, "image %s: %s", name, cfg_err_msg());
		} else if (strcmp(have, want) != 0) {
			rc = -1;
			unlink(part);
			snprintf(r->reason, sizeof r->reason,
			         "image %s: sha256 %s is not the signed %s", name, have, want);
		} else if (chmod(part, 0644) < 0 || rename(part, path) < 0) {
			rc = -1;
			unlink(part);
			snprintf(r->reason, sizeof r->reason, "image %s: %s", path, strerror(errno));
		} else if (write_sidecar(path, want, name) < 0) {
			rc = -1;
			snprintf(r->reason, sizeof r->reason, "%s", cfg_err_msg());
		} else {
			got++;
		}
		free(iu);
		free(part);
	}
	free(manifest);
	if (rc == 0 && got)
		snprintf(r->note, sizeof r->note, "%d image%s fetched and checked (sha256)", got,
		         got == 1 ? "" : "s");
	return rc;
}

/* One bootstrap URL, all of it; 0 or -1 (R->reason). */
static int try_url(const struct jdm_ztp_boot *j, const char *url, struct jdm_ztp_got *r)
{
	struct jdm_ztp_tls tls = {.anchor = j->anchor, .cert = j->have_cert ? j->cert : NULL,
	                          .key = j->have_cert ? j->key : NULL,
	                          .allow_plain = j->allow_plain, .timeout_s = 600,
	                          .cancel = j->cancel};
	struct cfg_buf body = {0};
	snprintf(r->url, sizeof r->url, "%s", url);
	if (fetch_signed(j, &tls, url, &body, j->sha256, r) < 0) {
		cfg_buf_free(&body);
		return -1;
	}
	struct cfg_tree *t = cfg_tree_new(j->schema);
	struct cfg_buf errs = {0};
	long bad;
	const char *text = body.p ? body.p : "";
	if (set_format(text))
		bad = cfg_load_set(t, NULL, text, body.len, url, CFG_LOAD_ALL_OR_NOTHING, &errs);
	else
		bad = cfg_curly_load(t, NULL, text, body.len, url, CFG_CURLY_OVERRIDE, &errs);
	cfg_buf_free(&body);
	if (bad != 0) {
		char l[300];
		first_line(&errs, l, sizeof l);
		snprintf(r->reason, sizeof r->reason, "the configuration does not load (%ld error%s): %s",
		         bad < 0 ? 1 : bad, bad == 1 ? "" : "s", bad < 0 ? cfg_err_msg() : l);
		cfg_buf_free(&errs);
		cfg_tree_free(t);
		return -1;
	}
	cfg_buf_free(&errs);
	if (fetch_images(j, &tls, url, t, r) < 0) {
		cfg_tree_free(t);
		return -1;
	}
	r->tree = t;
	return 0;
}

int jdm_ztp_boot_run(const struct jdm_ztp_boot *b, struct jdm_ztp_got *g)
{
	memset(g, 0, sizeof *g);
	g->rc = -1;
	for (size_t i = 0; i < b->n_urls && !(b->cancel && atomic_load(b->cancel)); i++) {
		struct jdm_ztp_got one = {0};
		if (try_url(b, b->urls[i], &one) == 0) {
			*g = one;
			g->rc = 0;
			return 0;
		}
		if (i == 0)
			*g = one, g->rc = -1; /* the first URL's reason, the one operators look at */
	}
	if (!g->reason[0])
		snprintf(g->reason, sizeof g->reason, "the transfer was abandoned");
	return -1;
}
