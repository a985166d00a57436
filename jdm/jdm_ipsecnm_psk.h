/* jdm_ipsecnm_psk — how the IKE pre-shared keys of `security ipsec-nm` are
 * stored: encrypted with a key of this box, never in plain text.
 *
 * `set security ipsec-nm ike policy P pre-shared-key ascii-text KEY` runs the
 * schema transform "ipsec-psk" (cli/cfg_xform.h; target = the leaf itself),
 * which stores "$nfx-psk$" + base64(nonce | AES-256-GCM(KEY) | tag). The
 * box key is 32 random bytes in STATE/ipsec-nm.key (0600, made on first
 * use). The nonce is HMAC-SHA256(box key, KEY) cut to 12 bytes (a synthetic
 * IV): the same key always gives the same stored text, so setting it again
 * is no change, and no two different keys share a nonce. A value that is
 * already "$nfx-psk$..." is stored as given (loading a saved configuration
 * or the store itself runs the transform again); one this box cannot open
 * (another box's key) fails at commit check. Only jdm_ipsecnm decrypts,
 * right before handing the key to charon over VICI (load-shared).
 *
 * Threads: the box key path is set once at start (jdm_ipsecnm_psk_init,
 * before any session); sealing and opening are thread-safe (the key file is
 * read each time, made under a mutex).
 * Ownership: *OUT strings are malloc'ed; the caller wipes and frees them.
 */
#ifndef NFX_JDM_IPSECNM_PSK_H
#define NFX_JDM_IPSECNM_PSK_H

#define JDM_IPSECNM_PSK_TAG "$nfx-psk$"

/* The box key is STATE_DIR/ipsec-nm.key. Registers the "ipsec-psk"
 * transform. Call before the store is loaded (cfg_daemon_new). 0 or -1. */
int jdm_ipsecnm_psk_init(const char *state_dir);
/* The transform: PLAIN -> stored form (PLAIN as is when already one). */
int jdm_ipsecnm_psk_seal(const char *plain, char **out);
/* Stored form -> the key. 0, or -1 with cfg_err set (not one, or not
 * sealed with this box's key). */
int jdm_ipsecnm_psk_open(const char *stored, char **plain);

#endif
