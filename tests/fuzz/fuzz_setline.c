/* libFuzzer target: the set-line parser and load set, on the JDM schema.
 * Any input must give either success or counted errors, never a crash,
 * leak or sanitizer report. Build: meson setup build-fuzz -Dfuzz=true
 * with CC=clang; run: build-fuzz/tests/fuzz/fuzz-setline tests/fuzz/corpus-setline */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_load.h"
#include "cfg_parse.h"
#include "cfg_schema.h"
#include "cfg_schema_data.h"

static struct cfg_schema *schema;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!schema)
		schema = cfg_schema_load_mem(cfg_schema_jdm, cfg_schema_jdm_len, "jdm.xml");
	struct cfg_tree *t = cfg_tree_new(schema);
	struct cfg_buf errs = {0};
	cfg_load_set(t, NULL, (const char *)data, size, "fuzz", 0, &errs);
	/* and the same bytes as one line through lexer, parser and completion */
	char *line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	struct cfg_words w = {0};
	struct cfg_parse p = {0};
	struct cfg_compls c = {0};
	size_t col;
	if (cfg_lex(line, &w, &col) == 0) {
		cfg_parse_path(schema, &w, 0, w.pipe < w.n ? w.pipe - 1 : w.n, CFG_PM_SET, &p);
		cfg_complete(schema, t, NULL, &w, 0, w.n, CFG_PM_SET, &c);
	}
	cfg_compls_free(&c);
	cfg_parse_free(&p);
	cfg_words_free(&w);
	free(line);
	cfg_buf_free(&errs);
	cfg_tree_free(t);
	return 0;
}
