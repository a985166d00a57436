/* jdm_console — `request virtual-network-functions NAME console`: the serial
 * console of a running VNF, streamed through the CLI session that asked.
 *
 *   root@jdm> request virtual-network-functions vrtr1 console
 *   Connected to domain vrtr1
 *   Escape character is ^]
 *   ...guest output; keystrokes go to the guest; Ctrl-] leaves...
 *
 * The console is a non-blocking libvirt stream (virDomainOpenConsole with
 * VIR_DOMAIN_CONSOLE_FORCE: a console left open elsewhere is taken over).
 * libvirt calls the stream callback on its event thread (jdm_virt.h); that
 * callback only posts a notification to jdmd's main loop (jdm_virt_post),
 * where the stream is read and written and the session's stream API
 * (cfg_session_stream_*) is used. A reference count keeps the console alive
 * for notifications still in the mailbox and for libvirt's callback.
 *
 * The stream ends when the operator types Ctrl-] (status '0'), when the
 * client goes away, or when the VNF's console closes (the VNF stopped):
 * then "error: console of NAME closed" and status '1'.
 *
 * Ownership: everything passed to jdm_console_start() is borrowed: DOM only
 * during the call, V and the session for as long as the stream lasts (jdmd
 * must keep V open while sessions exist). The console frees itself.
 */
#ifndef NFX_JDM_CONSOLE_H
#define NFX_JDM_CONSOLE_H

#include <libvirt/libvirt.h>

#include "cfg_daemon.h"
#include "jdm_virt.h"

/* Open the console of DOM (the VNF NAME) and stream it to the session of C:
 * prints "Connected to domain NAME" and "Escape character is ^]". Returns 0
 * (the handler then returns CFG_CMD_PENDING), or -1 with cfg_err set to the
 * operator message ("VNF vrtr1 is not running", "cannot open the console of
 * VNF vrtr1: ...") and nothing sent. Call from the main loop only. */
int jdm_console_start(struct cfg_cmd *c, struct jdm_virt *v, virDomainPtr dom, const char *name);

#endif
