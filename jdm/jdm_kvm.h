/* jdm_kvm — is KVM usable here? /dev/kvm can exist while a guest never
 * runs (nested virtualization that stalls). The probe sets up a VM as QEMU
 * does (TSS, in-kernel irqchip and PIT), runs a tiny real-mode guest in a
 * child process and calls KVM usable only if it finishes within two seconds.
 * On a host that is itself a VM (CPU flag `hypervisor`) KVM is not the
 * default: a probe guest runs there while real guests stall (seen on these
 * machines); `set system virtualization accel kvm` still forces it.
 */
#ifndef NFX_JDM_KVM_H
#define NFX_JDM_KVM_H

#include <stdbool.h>

/* The probe's verdict (computed once per process, then cached). WHY, when
 * not NULL, gets a short reason: "usable", "no /dev/kvm", "guest stalls". */
bool jdm_kvm_usable(const char **why);

#endif
