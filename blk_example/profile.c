// SPDX-License-Identifier: GPL-2.0
/*
 * Shaping completions: a recorded latency profile, and bandwidth and IOPS
 * caps. The settings, each a module parameter (the default for new disks)
 * and an attribute of the disk's configfs directory, changeable at any
 * time:
 *
 *   latency_profile  a service-time distribution per operation (read,
 *                    write, other), in the text q2c.bt prints: rows
 *                    "[lo, hi)  count |@@@|" (or "[v]  count") under
 *                    "@usecs[read]:" / "@usecs[write]:" / "@usecs[other]:"
 *                    ("@usecs[all]:" or no header: every operation), or
 *                    plain "usecs count" pairs; empty: off
 *   mbps             the disk's bandwidth in MiB/s, as null_blk's; 0: none
 *   iops             the disk's requests per second; 0: no limit
 *
 * Where the time is spent. queue_rq asks blkex_shape_due() when the request
 * is due: its draw from the profile, counted from queue_rq as delay_us is,
 * and no sooner than its turn under the caps ends. The work handler serves
 * it as always, copying under store_mutex, and then, instead of completing
 * a request whose time has not come, starts the hrtimer in its pdu for
 * that time; the timer completes it. Each request is held on its own, so
 * requests complete when their own time is due, out of order when their
 * draws cross, and nothing waits on store_mutex or busily. .timeout sees
 * a held request as one being served (BLKEX_CMD_QUEUED) and rearms; the
 * block layer's freeze waits for held requests like for any other, and
 * .exit_request cancels the timer (none is pending by then).
 *
 * The caps are one clock per disk, shared by all its hardware queues: the
 * time the next request's slot starts. Each request takes the next slot,
 * as long as its bytes take at mbps or 1/iops, whichever is longer, in the
 * order queue_rq sees them (first come, first served), and is due at its
 * slot's end. A disk idle for more than BLKEX_SHAPE_SLACK_NS starts its
 * next slot now; idle for less, the slot starts where the last ended, so a
 * submitter that waits for each completion (iodepth 1) still gets the cap.
 *
 * mbps counts the bytes of reads and writes, as null_blk does; iops counts
 * every request. The profile and delay_us do not go together: each write
 * of one is refused while the other is set.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "blk_example.h"
#include "param.h"
#include "profile.h"

/* Buckets per operation, and the longest service time: delay_us's. */
#define BLKEX_PROF_MAX_BUCKETS	64
#define BLKEX_PROF_MAX_US	10000000ULL
/* See the comment on blkex_shape_due(). */
#define BLKEX_SHAPE_SLACK_NS	NSEC_PER_MSEC
#define BLKEX_SHAPE_MAX_MBPS	1000000
#define BLKEX_SHAPE_MAX_IOPS	100000000
/* Longest numeric value written to mbps or iops. */

enum blkex_prof_op {
	BLKEX_PROF_READ,
	BLKEX_PROF_WRITE,
	BLKEX_PROF_OTHER,
	BLKEX_PROF_NR_OPS,
};

/* The header names, in enum blkex_prof_op order, then every operation. */
static const char * const blkex_prof_op_names[] = {
	"read", "write", "other", "all",
};

/* Service times in [@lo_ns, @lo_ns + @span_ns]; @cum counts up to here. */
struct blkex_prof_bucket {
	u64 lo_ns;
	u64 span_ns;
	u32 cum;
};

struct blkex_prof_hist {
	unsigned int nr;
	struct blkex_prof_bucket b[BLKEX_PROF_MAX_BUCKETS];
};

/* A parsed profile and the text it was parsed from, which cat shows. */
struct blkex_profile {
	struct rcu_head rcu;
	struct blkex_prof_hist op[BLKEX_PROF_NR_OPS];
	size_t size;			/* of the whole allocation */
	char text[];
};

/* A row of text: [lo, hi) in microseconds, @hi == @lo for a point. */
struct blkex_prof_row {
	u64 lo;
	u64 hi;
	u64 count;
};

struct blkex_uparam blkex_param_mbps = { .max = BLKEX_SHAPE_MAX_MBPS };
module_param_cb(mbps, &blkex_uparam_ops, &blkex_param_mbps, 0444);
MODULE_PARM_DESC(mbps, "Bandwidth cap of each disk in MiB/s (reads and writes, all its hardware queues together, first come first served), 0 to 1000000; 0 is no limit. Default: 0");

struct blkex_uparam blkex_param_iops = { .max = BLKEX_SHAPE_MAX_IOPS };
module_param_cb(iops, &blkex_uparam_ops, &blkex_param_iops, 0444);
MODULE_PARM_DESC(iops, "Requests per second cap of each disk, all its hardware queues together, 0 to 100000000; 0 is no limit. Default: 0");

/* latency_profile=: the parsed profile every new disk starts with. */
static struct blkex_profile *g_profile;

/*
 * A decimal number; with @suffix, K, M or G after it multiply by 2^10,
 * 2^20 or 2^30, as bpftrace's histogram labels mean them.
 */
static int blkex_prof_num(char *s, bool suffix, u64 *v, const char **why)
{
	unsigned int shift = 0;
	size_t len;

	s = strim(s);
	len = strlen(s);
	if (s[0] == '-') {
		*why = "negative number";
		return -EINVAL;
	}
	if (suffix && len > 1) {
		switch (s[len - 1]) {
		case 'K':
			shift = 10;
			break;
		case 'M':
			shift = 20;
			break;
		case 'G':
			shift = 30;
			break;
		}
		if (shift)
			s[len - 1] = '\0';
	}
	if (!isdigit(s[0]) || kstrtou64(s, 10, v)) {
		*why = kstrtou64(s, 10, v) == -ERANGE ? "number overflows" :
		       "not a number where one belongs";
		return -EINVAL;
	}
	if (*v > (U64_MAX >> shift)) {
		*why = "number overflows";
		return -EINVAL;
	}
	*v <<= shift;
	return 0;
}

/* Cut the next blank-separated token off *@s. */
static char *blkex_prof_token(char **s)
{
	char *tok = skip_spaces(*s), *end = tok;

	while (*end && !isspace(*end))
		end++;
	if (*end)
		*end++ = '\0';
	*s = end;
	return tok;
}

/*
 * One histogram row, "[lo, hi)  count |@@|" or "[v]  count |@@|" as
 * bpftrace prints them, or a plain "usecs count" pair.
 */
static int blkex_prof_row_parse(char *line, struct blkex_prof_row *r,
				const char **why)
{
	char *p = line, *end, *comma, *tok;
	bool hist = *p == '[';

	if (hist) {
		end = strpbrk(++p, ")]");
		if (!end) {
			*why = "no ) or ] closes the range";
			return -EINVAL;
		}
		comma = strchr(p, ',');
		if ((*end == ']') != !comma || (comma && comma > end)) {
			*why = "a range is [lo, hi) or [v]";
			return -EINVAL;
		}
		*end = '\0';
		if (comma)
			*comma = '\0';
		if (blkex_prof_num(p, true, &r->lo, why))
			return -EINVAL;
		r->hi = r->lo + 1;
		if (comma && blkex_prof_num(comma + 1, true, &r->hi, why))
			return -EINVAL;
		if (r->hi <= r->lo) {
			*why = "empty or reversed range";
			return -EINVAL;
		}
		p = end + 1;
	} else {
		if (blkex_prof_num(blkex_prof_token(&p), false, &r->lo, why))
			return -EINVAL;
		r->hi = r->lo;
	}
	tok = blkex_prof_token(&p);
	if (!*tok) {
		*why = "no count";
		return -EINVAL;
	}
	if (blkex_prof_num(tok, false, &r->count, why))
		return -EINVAL;
	if (r->count > U32_MAX) {
		*why = "count over 4294967295";
		return -EINVAL;
	}
	p = skip_spaces(p);
	/* bpftrace's bar, "|@@@  |", which says nothing the count does not. */
	if (*p && !(hist && *p == '|' && p[strlen(p) - 1] == '|' &&
		    strlen(p) > 1)) {
		*why = "more than a range and a count on the row";
		return -EINVAL;
	}
	if ((hist ? r->hi - 1 : r->lo) > BLKEX_PROF_MAX_US) {
		*why = "a time over 10000000 us (10 s)";
		return -EINVAL;
	}
	return 0;
}

/* A header: "@usecs[OP]:" or "OP:"; the mask of the operations it names. */
static int blkex_prof_header(char *line, unsigned int *mask)
{
	size_t len = strlen(line);
	int i;

	if (!len || line[len - 1] != ':')
		return -ENOENT;
	line[--len] = '\0';
	if (str_has_prefix(line, "@usecs[") && line[len - 1] == ']') {
		line[len - 1] = '\0';
		line += strlen("@usecs[");
	}
	i = match_string(blkex_prof_op_names, ARRAY_SIZE(blkex_prof_op_names),
			 line);
	if (i < 0)
		return -EINVAL;
	*mask = i == BLKEX_PROF_NR_OPS ? (1U << BLKEX_PROF_NR_OPS) - 1 : 1U << i;
	return 0;
}

/* Lines of q2c.bt's output that carry no bucket, passed over. */
static bool blkex_prof_skip(const char *line)
{
	return !*line || *line == '#' || str_has_prefix(line, "Attaching ") ||
	       str_has_prefix(line, "Tracing ") || str_has_prefix(line, "@ns[");
}

static int blkex_prof_add(struct blkex_profile *p, unsigned int mask,
			  const struct blkex_prof_row *r, const char **why)
{
	int i;

	for (i = 0; i < BLKEX_PROF_NR_OPS; i++) {
		struct blkex_prof_hist *h = &p->op[i];
		u64 cum = h->nr ? h->b[h->nr - 1].cum : 0;

		if (!(mask & (1U << i)))
			continue;
		if (h->nr == BLKEX_PROF_MAX_BUCKETS) {
			*why = "more than 64 buckets with a count for one operation";
			return -EINVAL;
		}
		if (cum + r->count > U32_MAX) {
			*why = "the counts of one operation add up to more than 4294967295";
			return -EINVAL;
		}
		h->b[h->nr].lo_ns = r->lo * NSEC_PER_USEC;
		h->b[h->nr].span_ns = r->hi > r->lo ?
				      (r->hi - r->lo) * NSEC_PER_USEC - 1 : 0;
		h->b[h->nr].cum = cum + r->count;
		h->nr++;
	}
	return 0;
}

/*
 * Parse @text (NUL-terminated, at most a page) into a new profile, or
 * return NULL for an empty one (off) or an ERR_PTR after one message that
 * quotes the line that failed; @who is "" or "blkexN: ".
 */
static struct blkex_profile *blkex_prof_parse(const char *text,
					      const char *who)
{
	size_t len = strlen(text), size = sizeof(struct blkex_profile) + len + 1;
	unsigned int mask = (1U << BLKEX_PROF_NR_OPS) - 1, nr = 0, lineno = 0;
	struct blkex_prof_row r;
	struct blkex_profile *p;
	char *copy, *cur, *line, *orig = NULL;
	const char *why = NULL;
	int ret = 0;

	p = kzalloc(size, GFP_KERNEL);
	copy = kstrdup(text, GFP_KERNEL);
	if (!p || !copy) {
		ret = -ENOMEM;
		goto out_free;
	}
	p->size = size;
	memcpy(p->text, text, len + 1);
	cur = copy;
	while ((line = strsep(&cur, "\n"))) {
		lineno++;
		line = strim(line);
		if (blkex_prof_skip(line))
			continue;
		orig = p->text + (line - copy);
		ret = blkex_prof_header(line, &mask);
		if (ret == -EINVAL) {
			why = "unknown operation: read, write, other or all";
			break;
		}
		if (!ret)
			continue;
		ret = blkex_prof_row_parse(line, &r, &why);
		if (!ret && r.count) {
			ret = blkex_prof_add(p, mask, &r, &why);
			nr++;
		}
		if (ret)
			break;
	}
	if (ret == -EINVAL) {
		int n = strcspn(orig, "\n");

		blkex_err("%slatency_profile: line %u '%.*s': %s; nothing changed\n",
			  who, lineno, min(n, 80), orig, why);
	}
	if (!ret && !nr) {
		kfree(p);
		p = NULL;
	}
out_free:
	kfree(copy);
	if (ret) {
		kfree(p);
		return ERR_PTR(ret);
	}
	return p;
}

/* A copy for a new disk, which owns it. */
static struct blkex_profile *blkex_prof_dup(const struct blkex_profile *p)
{
	return p ? kmemdup(p, p->size, GFP_KERNEL) : NULL;
}

/*
 * latency_profile=OP:USECS=COUNT,LO-HI=COUNT,...;OP:...: the plain form
 * on one line, OP one of read, write, other, all. Turned into the text
 * form, one row a line, and parsed as that is.
 */
static int blkex_prof_param_set(const char *str, const struct kernel_param *kp)
{
	char *list, *cur, *seg, *pair, *text, *eq, *dash, *op;
	struct blkex_profile *p;
	int len = 0, ret = 0;

	list = kstrdup(str, GFP_KERNEL);
	text = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!list || !text) {
		ret = -ENOMEM;
		goto out_free;
	}
	cur = strim(list);
	while ((seg = strsep(&cur, ";")) && !ret) {
		op = strsep(&seg, ":");
		if (!seg) {
			pr_err("%s=%s: '%s' is not OP:USECS=COUNT,...\n",
			       kp->name, str, op);
			ret = -EINVAL;
			break;
		}
		len += scnprintf(text + len, PAGE_SIZE - len, "@usecs[%s]:\n",
				 strim(op));
		while ((pair = strsep(&seg, ","))) {
			eq = strchr(pair, '=');
			if (!eq) {
				pr_err("%s=%s: '%s' is not USECS=COUNT or LO-HI=COUNT\n",
				       kp->name, str, pair);
				ret = -EINVAL;
				break;
			}
			*eq++ = '\0';
			dash = strchr(pair, '-');
			if (dash && dash != pair) {
				*dash++ = '\0';
				len += scnprintf(text + len, PAGE_SIZE - len,
						 "[%s, %s) %s\n", pair, dash, eq);
			} else {
				len += scnprintf(text + len, PAGE_SIZE - len,
						 "%s %s\n", pair, eq);
			}
		}
	}
	if (!ret && len >= PAGE_SIZE - 2) {
		pr_err("%s: the profile does not fit in a page\n", kp->name);
		ret = -EINVAL;
	}
	if (ret)
		goto out_free;
	p = blkex_prof_parse(text, "");
	if (IS_ERR(p)) {
		ret = PTR_ERR(p);
		goto out_free;
	}
	kfree(g_profile);
	g_profile = p;
out_free:
	kfree(text);
	kfree(list);
	return ret;
}

static int blkex_prof_param_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s", g_profile ? g_profile->text : "\n");
}

/* At unload, or when the load fails after the parameter was set. */
static void blkex_prof_param_free(void *arg)
{
	kfree(g_profile);
	g_profile = NULL;
}

static const struct kernel_param_ops blkex_prof_param_ops = {
	.set = blkex_prof_param_set,
	.get = blkex_prof_param_get,
	.free = blkex_prof_param_free,
};

module_param_cb(latency_profile, &blkex_prof_param_ops, NULL, 0444);
MODULE_PARM_DESC(latency_profile, "Service-time distribution per operation for new disks, OP:USECS=COUNT,LO-HI=COUNT,...;OP:... with OP read, write, other or all, LO-HI a range [LO, HI) in microseconds; configfs takes q2c.bt's histogram text. Not with delay_us. Default: none");

/* delay_us is fault.c's; the two are refused together. */
int blkex_shape_check_params(u32 delay_us)
{
	if (g_profile && delay_us) {
		pr_err("latency_profile and delay_us=%u together: a profile already says each request's service time; leave delay_us 0\n",
		       delay_us);
		return -EINVAL;
	}
	return 0;
}

static void blkex_shape_update_on(struct blkex_shape *s)
{
	bool on = rcu_access_pointer(s->profile) || READ_ONCE(s->mbps) ||
		  READ_ONCE(s->iops);

	WRITE_ONCE(s->on, on);
}

int blkex_shape_init_dev(struct blkex_dev *dev)
{
	struct blkex_shape *s = &dev->shape;
	struct blkex_profile *p = blkex_prof_dup(g_profile);

	if (g_profile && !p)
		return -ENOMEM;
	spin_lock_init(&s->lock);
	RCU_INIT_POINTER(s->profile, p);
	s->mbps = blkex_param_mbps.val;
	s->iops = blkex_param_iops.val;
	blkex_shape_update_on(s);
	return 0;
}

/* No request is in flight: the disk is powered off for good. */
void blkex_shape_exit_dev(struct blkex_dev *dev)
{
	kfree(rcu_dereference_protected(dev->shape.profile, 1));
	RCU_INIT_POINTER(dev->shape.profile, NULL);
}

bool blkex_shape_has_profile(struct blkex_dev *dev)
{
	return rcu_access_pointer(dev->shape.profile);
}

/* A service time from @h: a bucket by its count, uniform inside it. */
static u64 blkex_prof_draw(const struct blkex_prof_hist *h)
{
	u32 r = get_random_u32_below(h->b[h->nr - 1].cum);
	unsigned int lo = 0, hi = h->nr - 1, mid;
	const struct blkex_prof_bucket *b;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (h->b[mid].cum > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	b = &h->b[lo];
	/* Spans are at most 10 s, well under 2^34 ns. */
	return b->lo_ns + (b->span_ns ?
			   mul_u64_u32_shr(b->span_ns + 1, get_random_u32(), 32) :
			   0);
}

static enum blkex_prof_op blkex_prof_op(struct request *rq)
{
	switch (req_op(rq)) {
	case REQ_OP_READ:
		return BLKEX_PROF_READ;
	case REQ_OP_WRITE:
		return BLKEX_PROF_WRITE;
	default:
		return BLKEX_PROF_OTHER;
	}
}

/* The end of @rq's slot under the caps, from @now; 0 without caps. */
static u64 blkex_shape_slot(struct blkex_shape *s, struct request *rq, u64 now)
{
	u32 mbps = READ_ONCE(s->mbps), iops = READ_ONCE(s->iops);
	unsigned long flags;
	u64 cost = 0, start;

	if (!mbps && !iops)
		return 0;
	if (mbps && (req_op(rq) == REQ_OP_READ || req_op(rq) == REQ_OP_WRITE))
		cost = div64_u64((u64)blk_rq_bytes(rq) * NSEC_PER_SEC,
				 (u64)mbps << 20);
	if (iops)
		cost = max_t(u64, cost, NSEC_PER_SEC / iops);
	spin_lock_irqsave(&s->lock, flags);
	start = s->next_free_ns;
	if (start + BLKEX_SHAPE_SLACK_NS < now)
		start = now;
	s->next_free_ns = start + cost;
	spin_unlock_irqrestore(&s->lock, flags);
	return start + cost;
}

/*
 * When @rq, started now, may complete: its draw from the profile, and no
 * sooner than its slot under the caps ends. Called by queue_rq only while
 * shaping is on; never 0.
 */
u64 blkex_shape_due(struct blkex_dev *dev, struct request *rq)
{
	const struct blkex_prof_hist *h;
	struct blkex_profile *p;
	u64 now = ktime_get_ns(), due = now;

	rcu_read_lock();
	p = rcu_dereference(dev->shape.profile);
	if (p) {
		h = &p->op[blkex_prof_op(rq)];
		if (h->nr)
			due += blkex_prof_draw(h);
	}
	rcu_read_unlock();
	return max(due, blkex_shape_slot(&dev->shape, rq, now));
}

static enum hrtimer_restart blkex_shape_timer(struct hrtimer *timer)
{
	struct blkex_cmd *cmd = container_of(timer, struct blkex_cmd, timer);

	blk_mq_complete_request(blk_mq_rq_from_pdu(cmd));
	return HRTIMER_NORESTART;
}

void blkex_shape_init_cmd(struct blkex_cmd *cmd)
{
	cmd->due_ns = 0;
	hrtimer_init(&cmd->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	cmd->timer.function = blkex_shape_timer;
}

/*
 * A served request not yet due: hold it until it is, and tell the caller
 * not to complete it. ktime_get_ns() is CLOCK_MONOTONIC's time.
 */
bool blkex_shape_hold(struct blkex_cmd *cmd)
{
	if (cmd->due_ns <= ktime_get_ns())
		return false;
	hrtimer_start(&cmd->timer, ns_to_ktime(cmd->due_ns), HRTIMER_MODE_ABS);
	return true;
}

/*
 * What configfs.c's latency_profile attribute shows: the text last
 * accepted, or nothing when no profile is set.
 */
ssize_t blkex_shape_profile_show(struct blkex_dev *dev, char *page)
{
	struct blkex_profile *p;
	ssize_t len;

	mutex_lock(&dev->store_mutex);
	p = rcu_dereference_protected(dev->shape.profile,
				      lockdep_is_held(&dev->store_mutex));
	len = p ? sysfs_emit(page, "%s%s", p->text,
			     p->text[strlen(p->text) - 1] == '\n' ? "" : "\n") : 0;
	mutex_unlock(&dev->store_mutex);
	return len;
}

/*
 * A profile written to configfs (configfs.c): parsed whole, then swapped
 * in under store_mutex, or refused with the line that failed and nothing
 * changed. @who is "blkexN: " for the messages.
 */
int blkex_shape_profile_set(struct blkex_dev *dev, const char *page,
			    size_t count, const char *who)
{
	struct blkex_profile *p, *old;
	char *text;
	int ret = 0;

	/*
	 * configfs passes at most PAGE_SIZE - 1 bytes of one write and cuts
	 * the rest: a value that fills that may have been cut.
	 */
	if (count >= PAGE_SIZE - 1) {
		blkex_err("%slatency_profile: a write of %zu bytes or more may have been cut at a page; at most %lu bytes, nothing changed\n",
			  who, count, PAGE_SIZE - 2);
		return -EINVAL;
	}
	if (memchr(page, '\0', count)) {
		blkex_err("%slatency_profile: the value has a NUL byte in it\n",
			  who);
		return -EINVAL;
	}
	text = kmemdup_nul(page, count, GFP_KERNEL);
	if (!text)
		return -ENOMEM;
	p = blkex_prof_parse(text, who);
	kfree(text);
	if (IS_ERR(p))
		return PTR_ERR(p);

	mutex_lock(&dev->store_mutex);
	if (p && dev->fault.delay_us) {
		blkex_err("%slatency_profile and delay_us=%u together: write 0 to delay_us first; nothing changed\n",
			  who, dev->fault.delay_us);
		ret = -EINVAL;
		old = p;
	} else {
		old = rcu_replace_pointer(dev->shape.profile, p,
					  lockdep_is_held(&dev->store_mutex));
		blkex_shape_update_on(&dev->shape);
	}
	mutex_unlock(&dev->store_mutex);
	if (old)
		kfree_rcu(old, rcu);
	return ret;
}

/*
 * A new mbps or iops, checked by configfs.c: @offset is that of a u32
 * member of struct blkex_shape. A new cap starts from now, not from the
 * old cap's queue.
 */
void blkex_shape_set(struct blkex_dev *dev, size_t offset, u32 v)
{
	struct blkex_shape *s = &dev->shape;
	unsigned long flags;

	mutex_lock(&dev->store_mutex);
	WRITE_ONCE(*(u32 *)((char *)s + offset), v);
	spin_lock_irqsave(&s->lock, flags);
	s->next_free_ns = 0;
	spin_unlock_irqrestore(&s->lock, flags);
	blkex_shape_update_on(s);
	mutex_unlock(&dev->store_mutex);
}
