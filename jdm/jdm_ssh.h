/* jdm_ssh — SSH access to the appliance: Debian's OpenSSH sshd, run by jdmd
 * with its own configuration file (STATE/sshd/sshd_config, owned by jdmd),
 * in the network namespace jdmd runs in; the "accounts" subsystem of jdmd
 * (one row of its registry, cfg_subsys.h), first in the order.
 *
 * The row owns (jdm_ssh_owns):
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
 * Apply works from the diff and does only what changed: jmgmt0's addresses
 * when `interfaces jmgmt0` changed, the accounts when `system login` did, the
 * keys files when keys or users did; sshd_config is rewritten (sshd HUPed,
 * started or stopped) only when its text changes. Undo is the inverse diff.
 * Converge does all of it from the active tree. Tick (loop thread) starts a
 * dead sshd again from the last sshd_config; a mutex keeps it off an apply
 * running on the commit job's thread.
 *
 * Ownership: jdm_ssh_new() returns a handle freed with jdm_ssh_free(),
 * which stops sshd (accounts stay, as on an appliance).
 */
#ifndef NFX_JDM_SSH_H
#define NFX_JDM_SSH_H

#include "cfg_buf.h"
#include "cfg_commit.h"
#include "cfg_tree.h"

struct cfg_diff;

struct jdm_ssh;

/* STATE_DIR: the daemon's state directory; CLI_PATH: the `cli` binary;
 * SOCKET_PATH: the JDM CLI socket. Strings are copied. */
struct jdm_ssh *jdm_ssh_new(const char *state_dir, const char *cli_path, const char *socket_path);
void jdm_ssh_free(struct jdm_ssh *s);

/* Keyword paths of the row (NULL-terminated, static). */
extern const char *const jdm_ssh_owns[];

/* The row's callbacks; CTX is the struct jdm_ssh (validate needs none).
 * validate: user names that cannot be Unix accounts, keys that are not one
 * line of "type base64 [comment]". apply/converge: 0, or -1 with a finding
 * under [edit system services ssh] (or [edit system login]); notes to OUT. */
void jdm_ssh_validate(void *ctx, const struct cfg_tree *new_tree, const struct cfg_diff *diff,
                      struct cfg_findings *fs);
int jdm_ssh_apply(void *ctx, const struct cfg_diff *diff, struct cfg_buf *out,
                  struct cfg_findings *fs);
int jdm_ssh_converge(void *ctx, const struct cfg_tree *active, struct cfg_buf *out,
                     struct cfg_findings *fs);
/* Once a second from the loop: reap sshd; start it again if it died while
 * configured. */
void jdm_ssh_tick(void *ctx);

#endif
