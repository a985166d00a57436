/* jdm_ssh — SSH access to the appliance: Debian's OpenSSH sshd, run by jdmd
 * with its own configuration file (STATE/sshd/sshd_config, owned by jdmd),
 * in the network namespace jdmd runs in.
 *
 * From the active configuration:
 *   system services ssh [root-login allow|deny|deny-password]  sshd runs or not
 *   system root-authentication ssh-rsa|ssh-ed25519 "key"       root's keys
 *   system login user NAME class C authentication ssh-... "key" a user's keys;
 *       jdmd creates the Unix account NAME if it does not exist (and records
 *       it in STATE/sshd/accounts so that it removes only accounts it made)
 *   interfaces jmgmt0 unit 0 family inet address A/N           listen address
 * Whoever logs in lands in the nfx `cli` (ForceCommand), never a shell; the
 * CLI socket identifies the user (SO_PEERCRED), so their class applies.
 * `ssh host COMMAND` runs one CLI command (SSH_ORIGINAL_COMMAND).
 *
 * Ownership: jdm_ssh_new() returns a handle freed with jdm_ssh_free(),
 * which stops sshd (accounts stay, as on an appliance).
 */
#ifndef NFX_JDM_SSH_H
#define NFX_JDM_SSH_H

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_tree.h"

struct jdm_ssh;

/* STATE_DIR: the daemon's state directory; CLI_PATH: the `cli` binary;
 * SOCKET_PATH: the JDM CLI socket. Strings are copied. */
struct jdm_ssh *jdm_ssh_new(const char *state_dir, const char *cli_path, const char *socket_path);
void jdm_ssh_free(struct jdm_ssh *s);

/* Commit check: user names that cannot be Unix accounts, keys that are not
 * one line of "type base64 [comment]". */
void jdm_ssh_validate(const struct cfg_tree *t, struct cfg_findings *fs);

/* Make sshd, its keys files and the accounts match T (jmgmt0's address is
 * set here too). Returns 0, or -1 with cfg_err set. Notes go to OUT. */
int jdm_ssh_apply(struct jdm_ssh *s, const struct cfg_tree *t, struct cfg_buf *out);

/* Reap sshd if it exited (called from the daemon loop); 1 if it did. */
int jdm_ssh_reap(struct jdm_ssh *s);

/* The node at the keyword path WORDS (NULL-terminated; list steps take the
 * key as the next word) below FROM (NULL = root), or NULL. Shared helper for
 * jdmd's readers of the configuration. */
struct cfg_node *jdm_cfg_at(const struct cfg_tree *t, struct cfg_node *from, const char *const *words);

#endif
