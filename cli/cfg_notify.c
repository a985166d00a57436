/* cfg_notify — events to subscribers. See cfg_notify.h. */
#include "cfg_notify.h"

#include "cfg_session.h"

void cfg_notify_publish(struct cfg_daemon *d, struct cfg_reply *r)
{
	struct cfg_rel *root = cfg_reply_root(r);
	if (!d || !root) {
		cfg_reply_free(r);
		return;
	}
	struct cfg_buf xml;
	cfg_buf_init(&xml);
	struct cfg_session *s;
	for (size_t i = 0; (s = cfg_daemon_session_at(d, i)); i++) {
		if (!cfg_session_wants_event(s, root->name))
			continue;
		if (!xml.len)
			cfg_reply_xml(&xml, r);
		cfg_session_put_event(s, xml.p, xml.len);
	}
	cfg_buf_free(&xml);
	cfg_reply_free(r);
}

struct cfg_reply *cfg_notify_commit_event(int64_t seq, const char *user, const char *client,
                                          const char *comment, time_t when)
{
	struct cfg_reply *r = cfg_reply_new(CFG_EVENT_COMMIT);
	struct cfg_rel *e = cfg_reply_root(r);
	char tb[32];
	cfg_rel_leaff(e, "sequence-number", "%lld", (long long)seq);
	cfg_rel_leaf(e, "user", user ? user : "");
	cfg_rel_leaf(e, "client", client ? client : "");
	cfg_rel_leaf(e, "date-time", cfg_session_fmt_time(when, tb, sizeof tb));
	if (comment && *comment)
		cfg_rel_leaf(e, "comment", comment);
	return r;
}
