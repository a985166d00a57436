/* Shared bits of the cmocka unit tests. */
#ifndef NFX_TEST_COMMON_H
#define NFX_TEST_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cfg_err.h"
#include "cfg_schema.h"
#include "cfg_schema_data.h"

static inline struct cfg_schema *test_schema_jdm(void)
{
	struct cfg_schema *s = cfg_schema_load_mem(cfg_schema_jdm, cfg_schema_jdm_len, "jdm.xml");
	if (!s)
		fail_msg("jdm.xml: %s", cfg_err_msg());
	return s;
}

static inline struct cfg_schema *test_schema_jcp(void)
{
	struct cfg_schema *s = cfg_schema_load_mem(cfg_schema_jcp, cfg_schema_jcp_len, "jcp.xml");
	if (!s)
		fail_msg("jcp.xml: %s", cfg_err_msg());
	return s;
}

#endif
