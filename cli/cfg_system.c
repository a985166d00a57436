/* cfg_system — `request system reboot|halt|power-off`. See cfg_system.h. */
#include "cfg_system.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cfg_err.h"
#include "cfg_proto.h"
#include "cfg_session.h"

struct cfg_system {
	struct cfg_daemon *d;
	enum cfg_system_req req;
};

/* An answer is yes when it is "yes" or "y" (any case, blanks around). */
static bool is_yes(const char *in, size_t len)
{
	while (len && isspace((unsigned char)*in)) {
		in++;
		len--;
	}
	while (len && isspace((unsigned char)in[len - 1]))
		len--;
	return (len == 3 && !strncasecmp(in, "yes", 3)) || (len == 1 && tolower((unsigned char)*in) == 'y');
}

/* The pending question: which request, for which handle. */
struct ask {
	struct cfg_system *sys;
	enum cfg_system_req req;
};

static int answer(struct cfg_session *s, void *ctx, const char *in, size_t len, bool eof,
                  struct cfg_buf *out)
{
	struct ask *a = ctx;
	(void)eof;
	if (!is_yes(in, len))
		return 0;
	/* Junos's words (request system reboot, sample output) */
	const char *user = cfg_session_user(s);
	const char *host = cfg_daemon_host(a->sys->d);
	cfg_buf_puts(out, "\nShutdown NOW!\n");
	cfg_buf_printf(out, "[pid %ld]\n\n", (long)getpid());
	cfg_buf_printf(out, "*** FINAL System shutdown message from %s%s%s ***\n\n",
	               user && *user ? user : "root", host ? "@" : "", host ? host : "");
	cfg_buf_puts(out, "System going down IMMEDIATELY\n\n");
	a->sys->req = a->req;
	cfg_session_end(s); /* no prompt: the daemon goes away */
	/* the loop ends after this turn, which still writes this output */
	cfg_daemon_stop(a->sys->d);
	return 0;
}

static int ask(struct cfg_cmd *c, enum cfg_system_req req, const char *question)
{
	struct ask *a = malloc(sizeof *a);
	if (!a)
		return cfg_err_set("out of memory");
	*a = (struct ask){.sys = c->ctx, .req = req};
	return cfg_session_ask(c->s, CFG_ASK_LINE, question, answer, a, free, c->out);
}

static int h_reboot(struct cfg_cmd *c)
{
	return ask(c, CFG_SYSTEM_REBOOT, "Reboot the system ? [yes,no] (no) ");
}

static int h_halt(struct cfg_cmd *c)
{
	return ask(c, CFG_SYSTEM_HALT, "Halt the system ? [yes,no] (no) ");
}

static int h_power_off(struct cfg_cmd *c)
{
	return ask(c, CFG_SYSTEM_POWER_OFF, "Power Off the system ? [yes,no] (no) ");
}

struct cfg_system *cfg_system_new(struct cfg_daemon *d)
{
	struct cfg_system *s = calloc(1, sizeof *s);
	if (!s) {
		cfg_err_set("out of memory");
		return NULL;
	}
	s->d = d;
	if (cfg_daemon_register_ctx(d, "request_system_reboot", h_reboot, s) < 0 ||
	    cfg_daemon_register_ctx(d, "request_system_halt", h_halt, s) < 0 ||
	    cfg_daemon_register_ctx(d, "request_system_power_off", h_power_off, s) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

void cfg_system_free(struct cfg_system *s) { free(s); }

enum cfg_system_req cfg_system_requested(const struct cfg_system *s)
{
	return s ? s->req : CFG_SYSTEM_NONE;
}

int cfg_system_exit_status(const struct cfg_system *s, int run_rc)
{
	if (run_rc < 0)
		return 1;
	switch (cfg_system_requested(s)) {
	case CFG_SYSTEM_REBOOT:
		return CFG_SYSTEM_EXIT_REBOOT;
	case CFG_SYSTEM_HALT:
	case CFG_SYSTEM_POWER_OFF:
		return CFG_SYSTEM_EXIT_HALT;
	default:
		return 0;
	}
}
