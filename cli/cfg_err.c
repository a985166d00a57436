#include "cfg_err.h"

#include <stdio.h>
#include <string.h>

static _Thread_local char cfg_err_buf[1024];

/* Formatted into a scratch buffer first: an argument may be cfg_err_msg()
 * itself ("cannot start %s: %s", name, cfg_err_msg()). */
int cfg_err_vset(const char *fmt, va_list ap)
{
	char tmp[sizeof cfg_err_buf];
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	memcpy(cfg_err_buf, tmp, sizeof tmp);
	return -1;
}

int cfg_err_set(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cfg_err_vset(fmt, ap);
	va_end(ap);
	return -1;
}

const char *cfg_err_msg(void) { return cfg_err_buf; }
void cfg_err_clear(void) { cfg_err_buf[0] = '\0'; }
