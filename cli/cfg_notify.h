/* cfg_notify — state changes delivered to subscribed clients as events.
 *
 * A local client subscribes with a 'W' frame (cfg_proto.h) to event names;
 * an event is a reply (cfg_reply.h) whose root element is its name:
 *   <vnf-event>     a VNF's state (libvirt lifecycle) or liveliness changed
 *                   (jdm_vnf.c)
 *   <commit-event>  a commit completed (cfg_daemon.c)
 *   <ztp-event>     zero-touch provisioning changed state (jdm_ztp.c)
 *   <ipsec-event>   an ipsec-nm tunnel went up or down, and why (jdm_ipsecnm.c)
 * Their elements are declared in cli/schema/ops-*.xml like every reply.
 * cfg_notify_publish() sends one to every session of the daemon that
 * subscribed to its name, as an 'N' frame (the daemon's loop writes it on
 * its next turn). Publishing with no subscriber costs one XML rendering.
 *
 * Ownership: cfg_notify_publish() takes the reply and frees it.
 */
#ifndef NFX_CFG_NOTIFY_H
#define NFX_CFG_NOTIFY_H

#include <stdint.h>
#include <time.h>

#include "cfg_daemon.h"
#include "cfg_reply.h"

#define CFG_EVENT_VNF "vnf-event"
#define CFG_EVENT_COMMIT "commit-event"
#define CFG_EVENT_IPSEC "ipsec-event"

/* Send R (taken, freed) to every subscriber of its root element's name.
 * D NULL or R NULL: nothing (R freed). */
void cfg_notify_publish(struct cfg_daemon *d, struct cfg_reply *r);

/* The <commit-event> of the revision SEQ just committed by USER via
 * CLIENT at WHEN with COMMENT (may be NULL). Caller owns it. */
struct cfg_reply *cfg_notify_commit_event(int64_t seq, const char *user, const char *client,
                                          const char *comment, time_t when);

#endif
