/* The probe table, in the documented order. A file that no loader takes is
 * refused with every loader's reason. */
#include "image.h"
#include "linux.h"
#include "mb1.h"
#include "mb2.h"
#include "pvh.h"
#include "status.h"
#include "str.h"
#include "fmt.h"

static const struct image_type image_types[] = {
	{ "multiboot2", mb2_probe, mb2_plan },
	{ "multiboot1", mb1_probe, mb1_plan },
	{ "linux", linux_probe, linux_plan },
	{ "pvh", pvh_probe, pvh_plan },
};

#define NTYPES (sizeof(image_types) / sizeof(image_types[0]))

/* entry= chooses between Linux's two entries; every other format has one. */
static int plan_as(const struct image_type *t, const struct boot_request *req, const uint8_t *hdr, size_t len,
		   struct boot_env *env, struct plan *p, struct diag *d)
{
	if (req->entry && !str_eq(t->name, "linux"))
		return diag_fail(d, ST_CMDLINE, "image: entry=%s is a Linux option; %s is a %s kernel, which has "
				 "one entry (drop entry=)", req->entry, req->kernel->name, t->name);
	return t->plan(req, hdr, len, env, p, d);
}

int image_plan(const struct boot_request *req, const uint8_t *hdr, size_t len,
	       struct boot_env *env, struct plan *p, struct diag *d)
{
	const char *name = req->kernel->name;

	if (req->format) {
		for (size_t i = 0; i < NTYPES; i++) {
			if (!str_eq(req->format, image_types[i].name))
				continue;
			int r = image_types[i].probe(req->kernel, hdr, len, d);
			if (r)
				return r;
			return plan_as(&image_types[i], req, hdr, len, env, p, d);
		}
		char known[128] = "";
		size_t at = 0;
		for (size_t i = 0; i < NTYPES; i++)
			at += (size_t)fmt_snprintf(known + at, sizeof(known) - at, "%s%s", i ? " " : "",
						   image_types[i].name);
		return diag_fail(d, ST_CMDLINE, "image: unknown format \"%s\" (known: %s)", req->format, known);
	}

	char why[sizeof(d->msg)];
	size_t at = 0;
	for (size_t i = 0; i < NTYPES; i++) {
		struct diag reason = { "" };
		if (image_types[i].probe(req->kernel, hdr, len, &reason) == 0)
			return plan_as(&image_types[i], req, hdr, len, env, p, d);
		if (at < sizeof(why))
			at += (size_t)fmt_snprintf(why + at, sizeof(why) - at, "%s%s", i ? "; " : "", reason.msg);
	}
	return diag_fail(d, ST_BAD_IMAGE, "image: %s is not a bootable image (%s)", name, why);
}
