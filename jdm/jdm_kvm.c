/* jdm_kvm — KVM usability probe. See jdm_kvm.h. */
#include "jdm_kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* In the child: 0 if a real-mode guest executing `hlt` exits with HLT. */
static int probe_child(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0 || ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return 2;
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return 3;
	/* what QEMU sets up too: TSS, in-kernel interrupt controllers, timer */
	if (ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0 || ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0)
		return 13;
	struct kvm_pit_config pit = {.flags = 0};
	if (ioctl(vm, KVM_CREATE_PIT2, &pit) < 0)
		return 14;
	uint8_t *mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return 4;
	/* mov ecx, 0x100000; loop $; out 0x10, al (an I/O exit: with an
	   in-kernel irqchip `hlt` would wait in the kernel) */
	static const uint8_t code[] = {0x66, 0xb9, 0x00, 0x00, 0x10, 0x00, 0x67, 0xe2, 0xfe, 0xe6, 0x10};
	memcpy(mem, code, sizeof code);
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0x1000, .memory_size = 0x1000, .userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return 5;
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	int size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || size <= 0)
		return 6;
	struct kvm_run *run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return 7;
	struct kvm_sregs sregs;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return 8;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return 9;
	struct kvm_regs regs = {.rip = 0x1000, .rflags = 0x2};
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return 10;
	if (ioctl(vcpu, KVM_RUN, 0) < 0)
		return 11;
	return run->exit_reason == KVM_EXIT_IO && run->io.port == 0x10 ? 0 : 12;
}

/* This host is itself a virtual machine (the CPU's `hypervisor` flag). */
static bool nested(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[4096];
	bool yes = false;
	while (f && !yes && fgets(line, sizeof line, f))
		if (!strncmp(line, "flags", 5))
			yes = strstr(line, " hypervisor") != NULL;
	if (f)
		fclose(f);
	return yes;
}

bool jdm_kvm_usable(const char **why)
{
	static int verdict = -1; /* -1 unknown, 0 no, 1 yes */
	static const char *reason = "";
	if (verdict < 0) {
		if (access("/dev/kvm", R_OK | W_OK) != 0) {
			verdict = 0;
			reason = "no /dev/kvm";
		} else if (nested()) {
			/* a tiny probe guest runs, but real guests (firmware, timers)
			   stall under nested KVM on these hosts: not the default */
			verdict = 0;
			reason = "nested: this host is a virtual machine";
		} else {
			pid_t pid = fork();
			if (pid == 0) {
				alarm(3); /* a stalled KVM_RUN ends with the child */
				_exit(probe_child());
			}
			int st = 0;
			bool done = false;
			for (int i = 0; pid > 0 && i < 200 && !done; i++) {
				pid_t r = waitpid(pid, &st, WNOHANG);
				if (r == pid)
					done = true;
				else
					nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
			}
			if (pid > 0 && !done) {
				kill(pid, SIGKILL);
				waitpid(pid, &st, 0);
			}
			verdict = done && WIFEXITED(st) && WEXITSTATUS(st) == 0;
			reason = verdict ? "usable" : done && WIFEXITED(st) ? "cannot run a guest" : "guest stalls";
		}
	}
	if (why)
		*why = reason;
	return verdict == 1;
}
