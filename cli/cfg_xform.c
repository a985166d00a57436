/* cfg_xform — value transforms of the schema. See cfg_xform.h. */
#include "cfg_xform.h"

#include <string.h>

#include "cfg_err.h"

#define MAX_XFORMS 8

static struct {
	const char *name;
	cfg_xform_fn fn;
} xforms[MAX_XFORMS];
static unsigned n_xforms;

int cfg_xform_register(const char *name, cfg_xform_fn fn)
{
	for (unsigned i = 0; i < n_xforms; i++)
		if (strcmp(xforms[i].name, name) == 0) {
			if (xforms[i].fn == fn)
				return 0;
			return cfg_err_set("transform %s registered twice", name);
		}
	if (n_xforms >= MAX_XFORMS)
		return cfg_err_set("too many transforms");
	xforms[n_xforms].name = name;
	xforms[n_xforms].fn = fn;
	n_xforms++;
	return 0;
}

int cfg_xform_run(const char *name, const char *in, char **out)
{
	*out = NULL;
	for (unsigned i = 0; i < n_xforms; i++)
		if (strcmp(xforms[i].name, name) == 0)
			return xforms[i].fn(in, out);
	return cfg_err_set("this statement is not available here (no %s transform)", name);
}
