/* jdm_ztp_opt — DHCP options of zero-touch provisioning. See jdm_ztp_opt.h. */
#include "jdm_ztp_opt.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_err.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int jdm_ztp_opt_unhex(const char *hex, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(hex);
	if (n % 2 || n / 2 > cap)
		return cfg_err_set("not an even number of hex digits or too long");
	for (size_t i = 0; i < n / 2; i++) {
		int a = hexval(hex[2 * i]), b = hexval(hex[2 * i + 1]);
		if (a < 0 || b < 0)
			return cfg_err_set("not hex");
		out[i] = (uint8_t)(a << 4 | b);
	}
	*len = n / 2;
	return 0;
}

/* Printable text of N bytes P into DST (CAP): no control characters, no
 * spaces (names and URLs), fits. 0 or -1. */
static int text_of(const uint8_t *p, size_t n, char *dst, size_t cap, const char *what)
{
	if (n == 0 || n >= cap)
		return cfg_err_set("%s: empty or longer than %zu bytes", what, cap - 1);
	for (size_t i = 0; i < n; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return cfg_err_set("%s: not printable text", what);
	memcpy(dst, p, n);
	dst[n] = '\0';
	return 0;
}

static bool is_hex64(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (const char *p = s; *p; p++)
		if (hexval(*p) < 0)
			return false;
	return true;
}

int jdm_ztp_opt_43(const uint8_t *p, size_t n, struct jdm_ztp_offer *o)
{
	char image[sizeof o->image] = "", config[sizeof o->config] = "", mode[sizeof o->mode] = "";
	char sha[sizeof o->sha256] = "";
	size_t i = 0;
	while (i < n) {
		uint8_t code = p[i];
		if (code == 0xff)
			break; /* end */
		if (i + 2 > n || i + 2 + p[i + 1] > n)
			return cfg_err_set("option 43: sub-option %u is truncated", code);
		const uint8_t *v = p + i + 2;
		size_t l = p[i + 1];
		switch (code) {
		case 0:
			if (text_of(v, l, image, sizeof image, "option 43 image file name") < 0)
				return -1;
			break;
		case 1: {
			if (text_of(v, l, config, sizeof config, "option 43 configuration file name") < 0)
				return -1;
			char *frag = strchr(config, '#');
			if (frag) {
				if (strncmp(frag, "#sha256=", 8) != 0 || !is_hex64(frag + 8))
					return cfg_err_set("option 43: the configuration file name has a "
					                   "fragment other than #sha256=HEX (64 digits)");
				snprintf(sha, sizeof sha, "%s", frag + 8);
				*frag = '\0';
				if (!config[0])
					return cfg_err_set("option 43: no configuration file name");
			}
			break;
		}
		case 3:
			if (text_of(v, l, mode, sizeof mode, "option 43 transfer mode") < 0)
				return -1;
			for (char *c = mode; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			if (strcmp(mode, "https") && strcmp(mode, "http") && strcmp(mode, "tftp"))
				return cfg_err_set("option 43: transfer mode '%s' is not https, http or tftp",
				                   mode);
			break;
		default:
			break; /* other Juniper sub-options: not used */
		}
		i += 2 + l;
	}
	memcpy(o->image, image, sizeof image);
	memcpy(o->config, config, sizeof config);
	memcpy(o->mode, mode, sizeof mode);
	memcpy(o->sha256, sha, sizeof sha);
	return 0;
}

int jdm_ztp_opt_143(const uint8_t *p, size_t n, struct jdm_ztp_offer *o)
{
	char uris[JDM_ZTP_MAX_URLS][JDM_ZTP_URL_MAX];
	size_t nu = 0, i = 0;
	while (i < n) {
		if (i + 2 > n)
			return cfg_err_set("option 143: truncated URI length");
		size_t l = (size_t)p[i] << 8 | p[i + 1];
		if (i + 2 + l > n)
			return cfg_err_set("option 143: URI %zu is truncated", nu + 1);
		if (nu < JDM_ZTP_MAX_URLS) {
			if (text_of(p + i + 2, l, uris[nu], JDM_ZTP_URL_MAX, "option 143 URI") < 0)
				return -1;
			if (!strstr(uris[nu], "://"))
				return cfg_err_set("option 143: '%s' is not a URI", uris[nu]);
			nu++;
		}
		i += 2 + l;
	}
	memcpy(o->uris, uris, sizeof uris);
	o->n_uris = nu;
	return 0;
}

/* An IPv4 address in dotted form (as udhcpc exports it) into DST. */
static void copy_ip(char *dst, size_t cap, const char *v)
{
	size_t l = strspn(v, "0123456789.");
	if (l && l < cap && v[l] == '\0')
		snprintf(dst, cap, "%s", v);
}

static void note(struct jdm_ztp_offer *o)
{
	if (!o->error[0])
		snprintf(o->error, sizeof o->error, "%s", cfg_err_msg());
}

int jdm_ztp_opt_lease(const char *text, struct jdm_ztp_offer *o)
{
	memset(o, 0, sizeof *o);
	char siaddr[16] = "", tftp[256] = "", opt150[256] = "";
	uint8_t buf[1024];
	size_t n;
	const char *line = text;
	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t l = end ? (size_t)(end - line) : strlen(line);
		char kv[2200];
		if (l < sizeof kv) {
			memcpy(kv, line, l);
			kv[l] = '\0';
			char *eq = strchr(kv, '=');
			if (eq) {
				*eq = '\0';
				const char *k = kv, *v = eq + 1;
				if (!strcmp(k, "ip"))
					copy_ip(o->ip, sizeof o->ip, v);
				else if (!strcmp(k, "mask"))
					o->mask = (unsigned)strtoul(v, NULL, 10);
				else if (!strcmp(k, "router")) {
					eq[1 + strcspn(eq + 1, " ")] = '\0'; /* the first router */
					copy_ip(o->router, sizeof o->router, v);
				}
				else if (!strcmp(k, "serverid"))
					copy_ip(o->dhcp_server, sizeof o->dhcp_server, v);
				else if (!strcmp(k, "siaddr"))
					copy_ip(siaddr, sizeof siaddr, v);
				else if (!strcmp(k, "tftp")) {
					if (text_of((const uint8_t *)v, strlen(v), tftp, sizeof tftp, "option 66") < 0)
						note(o);
				} else if (!strcmp(k, "opt43")) {
					if (jdm_ztp_opt_unhex(v, buf, sizeof buf, &n) < 0 ||
					    jdm_ztp_opt_43(buf, n, o) < 0)
						note(o);
				} else if (!strcmp(k, "opt143")) {
					if (jdm_ztp_opt_unhex(v, buf, sizeof buf, &n) < 0 ||
					    jdm_ztp_opt_143(buf, n, o) < 0)
						note(o);
				} else if (!strcmp(k, "opt150")) {
					if (jdm_ztp_opt_unhex(v, buf, sizeof buf, &n) == 0 && n >= 4)
						snprintf(opt150, sizeof opt150, "%u.%u.%u.%u", buf[0], buf[1], buf[2],
						         buf[3]);
				}
			}
		}
		line = end ? end + 1 : NULL;
	}
	if (o->mask == 0 || o->mask > 32)
		o->mask = 24;
	if (!o->dhcp_server[0])
		snprintf(o->dhcp_server, sizeof o->dhcp_server, "%s", siaddr);
	const char *server = opt150[0] ? opt150 : tftp[0] ? tftp : siaddr[0] && strcmp(siaddr, "0.0.0.0") ? siaddr : o->dhcp_server;
	snprintf(o->server, sizeof o->server, "%s", server);
	return o->ip[0] ? 0 : -1;
}

size_t jdm_ztp_opt_urls(const struct jdm_ztp_offer *o, char urls[][JDM_ZTP_URL_MAX], size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < o->n_uris && n < max; i++)
		snprintf(urls[n++], JDM_ZTP_URL_MAX, "%s", o->uris[i]);
	if (o->config[0] && n < max) {
		if (strstr(o->config, "://")) {
			snprintf(urls[n++], JDM_ZTP_URL_MAX, "%s", o->config);
		} else if (o->server[0]) {
			const char *name = o->config;
			while (*name == '/')
				name++;
			int w = snprintf(urls[n], JDM_ZTP_URL_MAX, "%s://%s/%s", o->mode[0] ? o->mode : "https",
			                 o->server, name);
			if (w > 0 && w < JDM_ZTP_URL_MAX)
				n++;
		}
	}
	return n;
}
