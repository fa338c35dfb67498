/* SPDX-License-Identifier: BSD-2-Clause */
/* The probe table, in the documented order. A file that no loader takes is
 * refused with every loader's reason. */
#include "kernel/formats/image.h"
#include "kernel/formats/linux.h"
#include "kernel/formats/mb1.h"
#include "kernel/formats/mb2.h"
#include "kernel/formats/pe.h"
#include "kernel/formats/pvh.h"
#include "include/status.h"
#include "lib/str.h"
#include "lib/fmt.h"

/* EFI images come first where the firmware starts them (a Linux kernel
 * with an EFI stub boots through it, as systemd-boot starts it), last
 * elsewhere (there it is Linux, and a plain EFI image is refused by name). */
static const struct image_type efi_type = { "efi", 0, pe_probe, pe_plan };
static const struct image_type native_types[] = {
	{ "multiboot2", mb2_probe, 0, mb2_plan },
	{ "multiboot1", mb1_probe, 0, mb1_plan },
	{ "linux", linux_probe, 0, linux_plan },
	{ "pvh", pvh_probe, 0, pvh_plan },
};
#define NNATIVE (sizeof(native_types) / sizeof(native_types[0]))
#define NTYPES (NNATIVE + 1)

static const struct image_type *type_at(const struct boot_env *env, size_t i)
{
	if (env->firmware_machine)
		return i == 0 ? &efi_type : &native_types[i - 1];
	return i < NNATIVE ? &native_types[i] : &efi_type;
}

static int probe(const struct image_type *t, const struct file *f, const uint8_t *hdr, size_t len,
		 const struct boot_env *env, struct diag *d)
{
	return t->probe ? t->probe(f, hdr, len, d) : t->probe_env(f, hdr, len, env, d);
}

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
			const struct image_type *t = type_at(env, i);
			if (!str_eq(req->format, t->name))
				continue;
			int r = probe(t, req->kernel, hdr, len, env, d);
			if (r)
				return r;
			return plan_as(t, req, hdr, len, env, p, d);
		}
		char known[128] = "";
		size_t at = 0;
		for (size_t i = 0; i < NTYPES; i++)
			at += (size_t)fmt_snprintf(known + at, sizeof(known) - at, "%s%s", i ? " " : "",
						   type_at(env, i)->name);
		return diag_fail(d, ST_CMDLINE, "image: unknown format \"%s\" (known: %s)", req->format, known);
	}

	/* the reasons in one order on every platform (the native formats,
	 * then efi), whichever was probed first */
	char why[sizeof(d->msg)];
	struct diag efi_why = { "" };
	size_t at = 0;
	for (size_t i = 0; i < NTYPES; i++) {
		struct diag reason = { "" };
		const struct image_type *t = type_at(env, i);
		if (probe(t, req->kernel, hdr, len, env, &reason) == 0) {
			int r = plan_as(t, req, hdr, len, env, p, d);
			/* an EFI image where no firmware runs it: say what the
			 * loaders here found too (a damaged bzImage is a PE image) */
			if (r == -ST_PLATFORM && at && at < sizeof(why)) {
				size_t n = str_len(d->msg);
				fmt_snprintf(d->msg + n, sizeof(d->msg) - n, "; as other formats: %s", why);
			}
			return r;
		}
		if (t == &efi_type)
			efi_why = reason;
		else if (at < sizeof(why))
			at += (size_t)fmt_snprintf(why + at, sizeof(why) - at, "%s%s", at ? "; " : "", reason.msg);
	}
	if (at < sizeof(why))
		fmt_snprintf(why + at, sizeof(why) - at, "; %s", efi_why.msg);
	return diag_fail(d, ST_BAD_IMAGE, "image: %s is not a bootable image (%s)", name, why);
}
