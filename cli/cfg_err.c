#include "cfg_err.h"

#include <stdio.h>

static _Thread_local char cfg_err_buf[1024];

int cfg_err_vset(const char *fmt, va_list ap)
{
	vsnprintf(cfg_err_buf, sizeof cfg_err_buf, fmt, ap);
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
