#include "cfg_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cfg_buf_init(struct cfg_buf *b) { b->p = NULL; b->len = b->cap = 0; }

void cfg_buf_free(struct cfg_buf *b)
{
	if (!b)
		return;
	free(b->p);
	cfg_buf_init(b);
}

void cfg_buf_reset(struct cfg_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

static void cfg_buf_grow(struct cfg_buf *b, size_t need)
{
	if (b->len + need + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + need + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		abort();
	b->p = p;
	b->cap = cap;
}

void cfg_buf_add(struct cfg_buf *b, const char *s, size_t n)
{
	cfg_buf_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void cfg_buf_puts(struct cfg_buf *b, const char *s) { cfg_buf_add(b, s, strlen(s)); }

void cfg_buf_putc(struct cfg_buf *b, char c) { cfg_buf_add(b, &c, 1); }

void cfg_buf_printf(struct cfg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		cfg_buf_add(b, small, (size_t)n);
		return;
	}
	cfg_buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void cfg_buf_indent(struct cfg_buf *b, unsigned spaces)
{
	cfg_buf_grow(b, spaces);
	memset(b->p + b->len, ' ', spaces);
	b->len += spaces;
	b->p[b->len] = '\0';
}

char *cfg_buf_steal(struct cfg_buf *b)
{
	if (!b->p)
		cfg_buf_add(b, "", 0);
	char *p = b->p;
	cfg_buf_init(b);
	return p;
}
