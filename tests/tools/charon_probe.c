/* charon-probe — drives jdm_charon and nfx_vici for
 * tests/integration/test_charon.sh (not installed). Reads one command a line
 * on stdin, answers one line on stdout ("ok ...", "err MESSAGE", or a value):
 *   new NAME STATE own|shared [FWMARK]   a handle (nothing started)
 *   start NAME [TIMEOUT_MS]              -> ok pid=P esp=E errno=N
 *   pid|alive|deaths|netns NAME          -> a number / yes|no / ns inode
 *   bridge NAME IFNAME                   a bridge made in the container's netns
 *   links NAME                           interface names there, space separated
 *   call NAME CMD JSON                   -> the reply (JSON, one line)
 *   stream NAME CMD EVENT JSON           -> {"events":[...],"reply":{...}}
 *   watch NAME EVENT                     a connection kept for events
 *   event NAME TIMEOUT_MS                -> {"name":..,"msg":..} or "none"
 *   stop|destroy|free NAME
 * Secrets given in JSON arrive through stdin, never argv. */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cfg_err.h"
#include "jdm_charon.h"
#include "jdm_net.h"
#include "nfx_vici.h"

#define MAXC 4

static struct slot {
	char name[64];
	struct jdm_charon *c;
	struct nfx_vici *watch;
} slots[MAXC];

static struct slot *find(const char *name)
{
	for (int i = 0; i < MAXC; i++)
		if (slots[i].c && strcmp(slots[i].name, name) == 0)
			return &slots[i];
	return NULL;
}

static void err(void)
{
	printf("err %s\n", cfg_err_msg());
}

static int mkbridge(void *arg)
{
	return jdm_net_bridge_add(arg);
}

static int links(void *arg)
{
	struct if_nameindex *l = if_nameindex();
	if (!l)
		return cfg_err_set("if_nameindex failed");
	char *out = arg;
	out[0] = 0;
	for (struct if_nameindex *p = l; p->if_index; p++) {
		if (out[0])
			strncat(out, " ", 1023 - strlen(out));
		strncat(out, p->if_name, 1023 - strlen(out));
	}
	if_freenameindex(l);
	return 0;
}

static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
	printf("%s\n", s ? s : "null");
	free(s);
}

static void command(char *line)
{
	char *save = NULL;
	char *verb = strtok_r(line, " \n", &save);
	char *name = verb ? strtok_r(NULL, " \n", &save) : NULL;
	if (!verb)
		return;
	if (strcmp(verb, "new") == 0) {
		char *state = strtok_r(NULL, " \n", &save);
		char *mode = strtok_r(NULL, " \n", &save);
		char *fw = strtok_r(NULL, " \n", &save);
		struct slot *s = NULL;
		for (int i = 0; i < MAXC && !s; i++)
			if (!slots[i].c)
				s = &slots[i];
		if (!name || !state || !mode || !s) {
			printf("err usage: new NAME STATE own|shared [FWMARK]\n");
			return;
		}
		struct jdm_charon_opts o = {.name = name, .state_dir = state,
		                            .own_netns = strcmp(mode, "own") == 0,
		                            .fwmark = fw ? (unsigned)strtoul(fw, NULL, 0) : 0};
		s->c = jdm_charon_new(&o);
		if (!s->c) {
			err();
			return;
		}
		snprintf(s->name, sizeof s->name, "%s", name);
		printf("ok\n");
		return;
	}
	struct slot *s = name ? find(name) : NULL;
	if (!s) {
		printf("err no charon %s\n", name ? name : "(none)");
		return;
	}
	struct jdm_charon *c = s->c;
	if (strcmp(verb, "start") == 0) {
		char *t = strtok_r(NULL, " \n", &save);
		if (jdm_charon_start(c, t ? atoi(t) : 30000) < 0) {
			err();
			return;
		}
		printf("ok pid=%d esp=%s errno=%d\n", (int)jdm_charon_pid(c),
		       jdm_charon_esp(c) == JDM_CHARON_ESP_KERNEL ? "kernel" : "libipsec",
		       jdm_charon_esp_errno(c));
	} else if (strcmp(verb, "pid") == 0) {
		printf("%d\n", (int)jdm_charon_pid(c));
	} else if (strcmp(verb, "alive") == 0) {
		printf("%s\n", jdm_charon_alive(c) ? "yes" : "no");
	} else if (strcmp(verb, "deaths") == 0) {
		printf("%u\n", jdm_charon_deaths(c));
	} else if (strcmp(verb, "netns") == 0) {
		struct stat st;
		int fd = jdm_charon_netns_fd(c);
		if (fd < 0 || fstat(fd, &st) < 0)
			printf("-1\n");
		else
			printf("%lu\n", (unsigned long)st.st_ino);
	} else if (strcmp(verb, "bridge") == 0) {
		char *ifn = strtok_r(NULL, " \n", &save);
		if (!ifn || jdm_charon_in_netns(c, mkbridge, ifn) < 0)
			err();
		else
			printf("ok\n");
	} else if (strcmp(verb, "links") == 0) {
		char out[1024];
		if (jdm_charon_in_netns(c, links, out) < 0)
			err();
		else
			printf("%s\n", out);
	} else if (strcmp(verb, "call") == 0 || strcmp(verb, "stream") == 0) {
		bool stream = verb[1] == 't';
		char *cmd = strtok_r(NULL, " \n", &save);
		char *ev = stream ? strtok_r(NULL, " \n", &save) : NULL;
		char *js = strtok_r(NULL, "\n", &save);
		json_error_t je;
		json_t *args = js ? json_loads(js, 0, &je) : NULL;
		if (!cmd || (stream && !ev) || (js && !args)) {
			printf("err usage (or bad JSON)\n");
			json_decref(args);
			return;
		}
		struct nfx_vici *v = nfx_vici_connect(jdm_charon_vici_path(c), 5000);
		json_t *reply = NULL, *events = NULL;
		int r = !v ? -1
		           : stream ? nfx_vici_call_stream(v, cmd, ev, args, &events, &reply, 60000)
		                    : nfx_vici_call(v, cmd, args, &reply, 60000);
		json_decref(args);
		nfx_vici_close(v);
		if (r < 0) {
			err();
			return;
		}
		if (stream) {
			json_t *o = json_pack("{soso}", "events", events, "reply", reply);
			print_json(o);
			json_decref(o);
		} else {
			print_json(reply);
			json_decref(reply);
		}
	} else if (strcmp(verb, "watch") == 0) {
		char *ev = strtok_r(NULL, " \n", &save);
		if (!s->watch)
			s->watch = nfx_vici_connect(jdm_charon_vici_path(c), 5000);
		if (!ev || !s->watch || nfx_vici_register(s->watch, ev) < 0)
			err();
		else
			printf("ok\n");
	} else if (strcmp(verb, "event") == 0) {
		char *t = strtok_r(NULL, " \n", &save);
		char *en = NULL;
		json_t *msg = NULL;
		int r = s->watch ? nfx_vici_read_event(s->watch, &en, &msg, t ? atoi(t) : 1000)
		                 : cfg_err_set("not watching");
		if (r < 0) {
			err();
		} else if (r == 0) {
			printf("none\n");
		} else {
			json_t *o = json_pack("{ssso}", "name", en, "msg", msg);
			print_json(o);
			json_decref(o);
		}
		free(en);
	} else if (strcmp(verb, "stop") == 0) {
		jdm_charon_stop(c);
		printf("ok\n");
	} else if (strcmp(verb, "destroy") == 0) {
		jdm_charon_destroy(c);
		printf("ok\n");
	} else if (strcmp(verb, "free") == 0) {
		nfx_vici_close(s->watch);
		jdm_charon_free(c);
		memset(s, 0, sizeof *s);
		printf("ok\n");
	} else {
		printf("err unknown command %s\n", verb);
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, stdin) > 0)
		command(line);
	free(line);
	for (int i = 0; i < MAXC; i++) {
		nfx_vici_close(slots[i].watch);
		jdm_charon_free(slots[i].c);
	}
	return 0;
}
