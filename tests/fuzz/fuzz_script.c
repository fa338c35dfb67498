/* SPDX-License-Identifier: BSD-2-Clause */
/* Fuzz the boot-script interpreter: the input is the script, as raw text
 * (first byte even) or as a string of language tokens (first byte odd). A
 * fake env holds a few files, among them scripts to chain, the script
 * itself (so chain loops happen) and the script read as a cpio bundle.
 * Keys for menu, prompt, read and shell come from the input as well. */
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include "kernel/formats/cpio.h"
#include "kernel/keys.h"
#include "kernel/platform.h"
#include "kernel/script/script.h"
#include "include/status.h"
#include "host.h"

int fuzz_one(const uint8_t *data, size_t size);

struct fuzz_file {
	const char *name;
	const uint8_t *data;
	size_t size;
};

static struct fuzz_file fuzz_store[8];
static struct file fuzz_pool[SCRIPT_MAX_FILES + 8];
static size_t fuzz_used;
static unsigned fuzz_boots;

static void fuzz_put(size_t i, const char *name, const void *data, size_t size)
{
	fuzz_store[i].name = name;
	fuzz_store[i].data = data;
	fuzz_store[i].size = size;
}

static int fuzz_open(void *ctx, const char *name, struct file **out, struct diag *d)
{
	(void)ctx;
	const char *member = cpio_member_part(name);
	size_t alen = member ? (size_t)(member - 1 - name) : strlen(name);
	for (size_t i = 0; i < sizeof(fuzz_store) / sizeof(fuzz_store[0]); i++) {
		if (!fuzz_store[i].name || strlen(fuzz_store[i].name) != alen ||
		    memcmp(fuzz_store[i].name, name, alen) != 0)
			continue;
		if (fuzz_used == sizeof(fuzz_pool) / sizeof(fuzz_pool[0]))
			__builtin_trap();	/* the interpreter opens each name once, failures too */
		struct file *f = &fuzz_pool[fuzz_used++];
		memset(f, 0, sizeof(*f));
		f->name = name;
		f->mem = fuzz_store[i].data;
		f->size = fuzz_store[i].size;
		if (member) {
			struct file archive = *f;
			int r = cpio_find(&archive, member, f, d);
			if (r)
				return r;
		}
		*out = f;
		return 0;
	}
	return diag_fail(d, ST_NOT_FOUND, "no fw_cfg file \"%s\"", name);
}

static int fuzz_boot(void *ctx, const struct boot_request *req, struct diag *d)
{
	(void)ctx;
	/* touch everything a loader would */
	uint8_t b;
	if (req->kernel->size)
		file_read(req->kernel, 0, &b, 1);
	size_t n = strlen(req->args);
	for (size_t i = 0; i < req->nmods; i++)
		n += strlen(req->mods[i].args) + strlen(req->mods[i].file->name);
	(void)n;
	/* fail mostly, so scripts go on; sometimes come back */
	if (++fuzz_boots % 3)
		return diag_fail(d, ST_BAD_IMAGE, "fuzz: boot %u refused", fuzz_boots);
	return 0;
}

static void fuzz_print(void *ctx, const char *s)
{
	(void)ctx;
	(void)strlen(s);
}

static void fuzz_sleep(void *ctx, unsigned seconds)
{
	(void)ctx;
	(void)seconds;
}

/* Words of the language: in token mode each input byte picks one, so the
 * fuzzer combines commands instead of having to spell them. */
static const char *const fuzz_tokens[] = {
	"#!ipxe\n", "\n", "\r\n", "\\\n", " ", "kernel ", "imgselect ", "imgload ", "initrd ", "module ",
	"imgfetch ", "imgargs ", "boot ", "imgexec ", "chain ", "imgfree ", "imgstat ", "echo ", "echo -n ",
	"set ", "clear ", "isset ", "iseq ", "goto ", "exit ", "sleep ", "frob ", ":a ", ":b ", "a ", "b ",
	"${a} ", "${b} ", "${${a}} ", "${a", "${fwboot/version} ", "${fwboot/size/k} ",
	"${fwboot/size/opt/b.cpio#x} ", "fw_cfg:k ", "k ", "self ", "sub.ipxe ", "loop.ipxe ", "empty ",
	"opt/b.cpio#x ", "fw_cfg:opt/fwboot/xen ", "http://x/y ", "fw_cfg://k ", "--name ", "-n ", "--name=",
	"--replace ", "-r ", "--timeout ", "--autofree ", "-- ", "-x ", "|| ", "&& ", "; ", "# ", "0 ", "1 ",
	"3600 ", "x ", "} ", "$ ", "menu ", "item ", "choose ", "prompt ", "read ", "inc ", "shell ", "cpuid ",
	"--menu ", "--key ", "-k ", "--default ", "--gap ", "--keep ", "--delete ", "--ext ", "--ecx ",
	"--timeout=5 ", "${platform} ", "${uuid} ", "${memsize} ",
};

/* Keys come from the input too, through the host's seam (host_keys): its
 * bytes from the end backwards, the highest ones as the keys without a
 * character; then none (a timeout, or no more input). */
static int fuzz_keys[4096];

static void fuzz_set_keys(const uint8_t *data, size_t size)
{
	static const int special[] = { KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END, KEY_PGUP,
				       KEY_PGDN, KEY_DEL, KEY_ESC, KEY_ENTER, KEY_BACKSPACE, KEY_ENTER, KEY_ENTER,
				       KEY_ENTER, KEY_ENTER };
	size_t n = size < sizeof(fuzz_keys) / sizeof(fuzz_keys[0]) ? size : sizeof(fuzz_keys) / sizeof(fuzz_keys[0]);
	for (size_t i = 0; i < n; i++) {
		uint8_t b = data[size - 1 - i];
		fuzz_keys[i] = b >= 0xf0 ? special[b - 0xf0] : b;
	}
	host_keys = fuzz_keys;
	host_nkeys = n;
}

static int fuzz_read_key(void *ctx, unsigned ms)
{
	(void)ctx;
	return platform_read_key(ms);
}

static int fuzz_setting(void *ctx, const char *name, char *buf, size_t cap)
{
	(void)ctx;
	if (strcmp(name, "platform"))
		return -1;
	snprintf(buf, cap, "%s", platform_name());
	return 0;
}

static void fuzz_cpuid(void *ctx, uint32_t leaf, uint32_t regs[4])
{
	(void)ctx;
	platform_cpuid(leaf, regs);
}

static char fuzz_text[16384];

/* Token mode: bytes after the first pick words; returns the text length. */
static size_t fuzz_untokenize(const uint8_t *data, size_t size)
{
	size_t n = 0, count = sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]);
	for (size_t i = 1; i < size; i++) {
		const char *t = fuzz_tokens[data[i] % count];
		size_t l = strlen(t);
		if (l > sizeof(fuzz_text) - n)
			break;
		memcpy(fuzz_text + n, t, l);
		n += l;
	}
	return n;
}

int fuzz_one(const uint8_t *data, size_t size)
{
	static const char sub[] = "#!ipxe\nset x ${x}y\nisset ${y} || goto end\nchain self\n:end\nexit 1\n";
	static const char loop[] = "#!gpxe\n:a\nimgfetch --name ${fwboot/size/self} k\nimgfree\ngoto a\n";
	static const char kern[] = "KERNEL";
	struct script_env env = { 0, fuzz_open, fuzz_boot, fuzz_print, fuzz_sleep, "fuzz", fuzz_read_key,
				  fuzz_setting, fuzz_cpuid };
	struct diag d;

	if (size && (data[0] & 1)) {
		size = fuzz_untokenize(data, size);
		data = (const uint8_t *)fuzz_text;
	}
	fuzz_set_keys(data, size);
	fuzz_used = 0;
	fuzz_put(0, "self", data, size);
	fuzz_put(1, "opt/b.cpio", data, size);
	fuzz_put(2, "sub.ipxe", sub, sizeof(sub) - 1);
	fuzz_put(3, "loop.ipxe", loop, sizeof(loop) - 1);
	fuzz_put(4, "k", kern, sizeof(kern) - 1);
	fuzz_put(5, "opt/fwboot/xen", kern, sizeof(kern) - 1);
	fuzz_put(6, "empty", "", 0);
	d.msg[0] = 0;
	script_run(&env, "self", (const char *)data, size, &d);
	if (strlen(d.msg) >= sizeof(d.msg))
		__builtin_trap();
	return 0;
}
