/* Unit tests that need network objects run inside network namespaces made
 * for them: ut_enter_netns() creates "nfx-ut-<pid>" (and, with_vnf, a
 * second "nfx-ut-<pid>-vnf"), re-runs the test program inside with
 * `ip netns exec`, waits, kills by PID whatever is left in them and deletes
 * them, even when the test fails or is interrupted. Shared by
 * test_jdm_live.c and test_jdm_intnet.c (include it once, in the .c).
 */
#ifndef NFX_TEST_NETNS_H
#define NFX_TEST_NETNS_H


#define UT_NS_ENV "NFX_UT_NETNS"
#define UT_NS_VNF_ENV "NFX_UT_NETNS_VNF"
#define UT_TMP_ENV "NFX_UT_TMPDIR" /* scratch directory, owned by the parent */

static char ut_ns[64];     /* our namespace when running inside it, else "" */
static char ut_ns_vnf[64]; /* the second ("VNF") namespace, if any */
static volatile sig_atomic_t ut_stop;

static const char *ut_ip(void)
{
	static const char *const c[] = {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		if (access(c[i], X_OK) == 0)
			return c[i];
	return NULL;
}

/* Run ARGV (absolute path first) and wait. OUT (size NOUT, may be NULL)
 * gets its standard output. The exit status, or -1. */
static int ut_run(const char *const *argv, char *out, size_t nout)
{
	int pfd[2] = {-1, -1};
	if (out && pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (out)
			dup2(pfd[1], 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (out) {
		close(pfd[1]);
		size_t len = 0;
		for (;;) {
			ssize_t r = read(pfd[0], out + len, nout - 1 - len);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			len += (size_t)r;
			if (len == nout - 1)
				break;
		}
		out[len] = '\0';
		close(pfd[0]);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Kill what our tests left running in NS (by PID), then delete NS. */
static void ut_ns_delete(const char *ns)
{
	const char *ip = ut_ip();
	char pids[4096];
	const char *lp[] = {ip, "netns", "pids", ns, NULL};
	if (ut_run(lp, pids, sizeof pids) == 0)
		for (char *s = strtok(pids, " \n"); s; s = strtok(NULL, " \n")) {
			long p = strtol(s, NULL, 10);
			if (p > 1 && p != (long)getpid())
				kill((pid_t)p, SIGKILL);
		}
	const char *del[] = {ip, "netns", "del", ns, NULL};
	if (ut_run(del, NULL, 0) != 0)
		fprintf(stderr, "# warning: could not delete namespace %s\n", ns);
}

static void ut_on_signal(int sig)
{
	(void)sig;
	ut_stop = 1;
}

/* When not yet inside a namespace of ours: make namespaces (WITH_VNF: a
 * second one too), run this program in the first, delete them, and return
 * the exit status for main(). Inside (or when namespaces cannot be made):
 * return -1, and the caller runs the tests. */
static int ut_enter_netns(int argc, char **argv, bool with_vnf)
{
	const char *in = getenv(UT_NS_ENV);
	if (in) {
		snprintf(ut_ns, sizeof ut_ns, "%s", in);
		const char *v = getenv(UT_NS_VNF_ENV);
		snprintf(ut_ns_vnf, sizeof ut_ns_vnf, "%s", v ? v : "");
		return -1;
	}
	const char *ip = ut_ip();
	if (geteuid() != 0 || !ip) {
		fprintf(stderr, "# not root or no ip(8): namespace tests are skipped\n");
		return -1;
	}
	char self[4096];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
	if (sl <= 0)
		return -1;
	self[sl] = '\0';
	char ns[64], vns[64];
	snprintf(ns, sizeof ns, "nfx-ut-%ld", (long)getpid());
	snprintf(vns, sizeof vns, "nfx-ut-%ld-vnf", (long)getpid());
	struct sigaction sa = {.sa_handler = ut_on_signal}; /* no SA_RESTART */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	const char *add[] = {ip, "netns", "add", ns, NULL};
	if (ut_run(add, NULL, 0) != 0) {
		fprintf(stderr, "# cannot create a network namespace: namespace tests are skipped\n");
		return -1;
	}
	const char *addv[] = {ip, "netns", "add", vns, NULL};
	if (with_vnf && ut_run(addv, NULL, 0) != 0) {
		ut_ns_delete(ns);
		fprintf(stderr, "# cannot create a second network namespace\n");
		return 1;
	}
	/* scratch files of the tests: removed here, whatever happens there */
	char tmp[64];
	snprintf(tmp, sizeof tmp, "/tmp/nfx-ut-%ld-XXXXXX", (long)getpid());
	bool have_tmp = mkdtemp(tmp) != NULL;
	int rc = 1;
	pid_t pid = fork();
	if (pid == 0) {
		setenv(UT_NS_ENV, ns, 1);
		if (have_tmp)
			setenv(UT_TMP_ENV, tmp, 1);
		if (with_vnf)
			setenv(UT_NS_VNF_ENV, vns, 1);
		char **av = calloc((size_t)argc + 6, sizeof *av);
		if (!av)
			_exit(1);
		int k = 0;
		av[k++] = (char *)ip;
		av[k++] = "netns";
		av[k++] = "exec";
		av[k++] = ns;
		av[k++] = self;
		for (int i = 1; i < argc; i++)
			av[k++] = argv[i];
		execv(ip, av);
		_exit(127);
	}
	if (pid > 0) {
		int st = 0;
		bool killed = false;
		for (;;) {
			pid_t r = waitpid(pid, &st, 0);
			if (r == pid)
				break;
			if (r < 0 && errno != EINTR)
				break;
			if (ut_stop && !killed) {
				kill(pid, SIGTERM);
				killed = true;
			}
		}
		rc = ut_stop ? 1 : WIFEXITED(st) ? WEXITSTATUS(st) : 1;
		if (WIFSIGNALED(st))
			fprintf(stderr, "# test process died of signal %d\n", WTERMSIG(st));
	}
	if (with_vnf)
		ut_ns_delete(vns);
	ut_ns_delete(ns);
	if (have_tmp) {
		const char *rm[] = {"/bin/rm", "-rf", tmp, NULL};
		ut_run(rm, NULL, 0);
	}
	return rc;
}

#define NEED_NETNS()                                                                              \
	do {                                                                                          \
		if (!ut_ns[0])                                                                            \
			skip();                                                                               \
	} while (0)

/* --- helpers --------------------------------------------------------------- */

#endif
