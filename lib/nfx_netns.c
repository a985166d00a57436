/* nfx_netns: see nfx_netns.h. */
#include "nfx_netns.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool nfx_netns_own(void)
{
	struct stat self, ns;
	if (stat("/proc/self/ns/net", &self) < 0)
		return false;
	DIR *dir = opendir("/run/netns");
	if (!dir)
		return false;
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		char p[PATH_MAX];
		snprintf(p, sizeof p, "/run/netns/%s", e->d_name);
		found = stat(p, &ns) == 0 && ns.st_ino == self.st_ino && ns.st_dev == self.st_dev;
	}
	closedir(dir);
	return found;
}

bool nfx_netns_may_network(void)
{
	const char *a = getenv("NFX_ALLOW_HOST_NETNS");
	if (a && *a && strcmp(a, "0") != 0)
		return true;
	return nfx_netns_own();
}
