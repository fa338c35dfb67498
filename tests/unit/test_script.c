/* SPDX-License-Identifier: BSD-2-Clause */
/* The boot-script interpreter against a fake env: the tokenizer, ${}
 * expansion, control flow, every command's arguments, chaining, bundles,
 * the bounds, and every error with its exact message. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#if defined(__SANITIZE_ADDRESS__)
size_t __sanitizer_get_current_allocated_bytes(void);	/* ASan's allocator statistics */
#endif
#include "kernel/formats/cpio.h"
#include "kernel/keys.h"
#include "kernel/script/script.h"
#include "include/status.h"
#include "test.h"

/* ---- the fake env: files in memory, a console, a boot that records ---- */

struct fake_file {
	const char *name;
	const char *data;
	size_t size;
};

static struct fake_file store[256];
static size_t nstore;
static char out[16384];
static size_t outlen, outtotal;
static char boots[2048];
static char kernel_bytes[32];
static int boot_status;		/* 0, or a negative status to fail with */
static unsigned slept;
static int opens;
static int boot_anomalies;	/* requests with a format set, or an unreadable kernel */

static void put_bytes(const char *name, const char *data, size_t size)
{
	for (size_t i = 0; i < nstore; i++) {
		if (strcmp(store[i].name, name) == 0) {
			store[i].data = data;
			store[i].size = size;
			return;
		}
	}
	store[nstore].name = name;
	store[nstore].data = data;
	store[nstore].size = size;
	nstore++;
}

static void put(const char *name, const char *data)
{
	put_bytes(name, data, strlen(data));
}

/* What the kernel's env does: fw_cfg lookup, then cpio_find for "#member". */
static int fake_open(void *ctx, const char *name, struct file **res, struct diag *d)
{
	(void)ctx;
	opens++;
	const char *member = cpio_member_part(name);
	size_t alen = member ? (size_t)(member - 1 - name) : strlen(name);
	for (size_t i = 0; i < nstore; i++) {
		if (strlen(store[i].name) != alen || strncmp(store[i].name, name, alen) != 0)
			continue;
		struct file *f = calloc(1, sizeof(*f));
		f->name = name;
		f->size = store[i].size;
		f->mem = (const uint8_t *)store[i].data;
		if (member) {
			struct file archive = *f;
			archive.name = strndup(name, alen);
			int r = cpio_find(&archive, member, f, d);
			if (r)
				return r;
		}
		*res = f;
		return 0;
	}
	return diag_fail(d, ST_NOT_FOUND, "no fw_cfg file \"%.*s\"", (int)alen, name);
}

static void record(const char *s)
{
	strncat(boots, s, sizeof(boots) - strlen(boots) - 1);
}

static int fake_boot(void *ctx, const struct boot_request *req, struct diag *d)
{
	(void)ctx;
	record(req->kernel->name);
	record(" [");
	record(req->args);
	record("]");
	for (size_t i = 0; i < req->nmods; i++) {
		record(" + ");
		record(req->mods[i].file->name);
		record(" [");
		record(req->mods[i].args);
		record("]");
	}
	record("\n");
	memset(kernel_bytes, 0, sizeof(kernel_bytes));
	size_t n = req->kernel->size < sizeof(kernel_bytes) - 1 ? req->kernel->size : sizeof(kernel_bytes) - 1;
	if (req->format || req->loader_name || file_read(req->kernel, 0, kernel_bytes, n))
		boot_anomalies++;
	if (boot_status)
		return diag_fail(d, -boot_status, "multiboot1: header checksum is invalid");
	return 0;
}

static void fake_print(void *ctx, const char *s)
{
	(void)ctx;
	size_t n = strlen(s);
	outtotal += n;
	if (n > sizeof(out) - 1 - outlen)
		n = sizeof(out) - 1 - outlen;
	memcpy(out + outlen, s, n);
	outlen += n;
	out[outlen] = 0;
}

static void fake_sleep(void *ctx, unsigned seconds)
{
	(void)ctx;
	slept += seconds;
}

/* Keys the next run reads (KEY_NONE once they are used up: a timeout, or
 * no more input), and settings by name. */
static const int *keys;
static size_t nkeys, keys_read;
static unsigned last_timeout;

static int fake_read_key(void *ctx, unsigned ms)
{
	(void)ctx;
	last_timeout = ms;
	keys_read++;
	if (!nkeys)
		return KEY_NONE;
	nkeys--;
	return *keys++;
}

static int fake_setting(void *ctx, const char *name, char *buf, size_t cap)
{
	(void)ctx;
	if (strcmp(name, "platform") == 0)
		return snprintf(buf, cap, "efi") < 0;
	if (strcmp(name, "uuid") == 0)
		return snprintf(buf, cap, "12345678-9abc-def0-1234-56789abcdef0") < 0;
	if (strcmp(name, "product") == 0)	/* SMBIOS strings can be long: up to 127 bytes kept */
		return snprintf(buf, cap, "%0200d", 7) < 0;
	return -1;
}

static void fake_cpuid(void *ctx, uint32_t leaf, uint32_t regs[4]);
static struct script_env env = { 0, fake_open, fake_boot, fake_print, fake_sleep, "0.1.0", fake_read_key,
				 fake_setting, 0 };

static struct diag d;

static void reset(void)
{
	out[0] = 0;
	outlen = outtotal = 0;
	boots[0] = 0;
	slept = 0;
	opens = 0;
	keys_read = 0;
	d.msg[0] = 0;
}

/* Run text as the script "t" (or name); output in out, boots in boots. */
static int run_named(const char *name, const char *text)
{
	reset();
	return script_run(&env, name, text, strlen(text), &d);
}

static int run(const char *text)
{
	return run_named("t", text);
}

/* A one-line script: "#!ipxe\n" + line, so the line is line 2. */
static int run1(const char *line)
{
	static char buf[16384];
	snprintf(buf, sizeof(buf), "#!ipxe\n%s\n", line);
	return run(buf);
}

/* Expect a one-line script to fail with status and message. */
#define fails(line_, status_, reason_)                  \
	do {                                            \
		ok_eq(run1(line_), status_);            \
		ok_str(d.msg, reason_);                 \
	} while (0)

/* ---- the fixture ---- */

static uint8_t bundle[4096];
static size_t bundle_len;

static void bundle_add(const char *name, const char *data)
{
	char hdr[CPIO_HEADER_SIZE + 1];
	size_t size = data ? strlen(data) : 0;
	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1u,
		 data ? 0100644u : 0u, 0u, 0u, 1u, 0u, (unsigned)size, 0u, 0u, 0u, 0u, (unsigned)strlen(name) + 1, 0u);
	memcpy(bundle + bundle_len, hdr, CPIO_HEADER_SIZE);
	bundle_len += CPIO_HEADER_SIZE;
	memcpy(bundle + bundle_len, name, strlen(name) + 1);
	bundle_len += strlen(name) + 1;
	while (bundle_len % 4)
		bundle[bundle_len++] = 0;
	memcpy(bundle + bundle_len, data ? data : "", size);
	bundle_len += size;
	while (bundle_len % 4)
		bundle[bundle_len++] = 0;
}

static char big[70008];

static void setup(void)
{
	put("opt/fwboot/xen", "XEN-KERNEL");
	put("opt/fwboot/vmlinuz", "LINUX");
	put("opt/fwboot/initrd", "INITRD");
	put("opt/fwboot/rescue", "RESCUE");
	put("opt/fwboot/rescue.ipxe", "#!ipxe\nimgfree\nkernel fw_cfg:opt/fwboot/rescue console=ttyS0\nboot\n");
	put("xen", "BARE-XEN");
	put("inner.ipxe", "#!ipxe\necho inner\n");
	put("inner-exit0.ipxe", "#!ipxe\necho one\nexit 0\necho two\n");
	put("inner-exit4.ipxe", "#!ipxe\necho one\nexit 4\necho two\n");
	put("inner-fail.ipxe", "#!ipxe\necho in\nkernel fw_cfg:nope\n");
	put("inner-boot.ipxe", "#!ipxe\nmodule fw_cfg:opt/fwboot/initrd\nboot\n");
	put("inner-goto.ipxe", "#!gpxe\ngoto end\necho skipped\n:end\necho inner-end\n");
	put("inner-loop.ipxe", "#!fwboot\n:a\ngoto a\n");
	put("opt/fwboot/boot", "#!ipxe\necho boot-file\n");
	put("a.ipxe", "#!ipxe\nchain b.ipxe\n");
	put("b.ipxe", "#!ipxe\nchain a.ipxe\n");
	put("s1", "#!ipxe\nchain s2\n");
	put("s2", "#!ipxe\nchain s3\n");
	put("s3", "#!ipxe\nchain s4\n");
	put("s4", "#!ipxe\nchain s5\n");
	put("s5", "#!ipxe\nchain s6\n");
	put("s6", "#!ipxe\nchain s7\n");
	put("s7", "#!ipxe\nchain s8\n");
	put("s8", "#!ipxe\necho deepest\n");
	put("notscript", "#!ipxefoo\n");
	put_bytes("empty", "", 0);
	put("crlf.ipxe", "#!ipxe\r\necho crlf\r\n");
	memcpy(big, "#!ipxe\n", 7);
	memset(big + 7, '#', sizeof(big) - 8);
	put_bytes("big.ipxe", big, sizeof(big) - 1);

	bundle_add("boot.ipxe", "#!ipxe\nkernel fw_cfg:opt/fwboot/set.cpio#xen.gz dom0_mem=1G\n"
				"module opt/fwboot/set.cpio#./initrd\nimgstat\nboot\n");
	bundle_add("xen.gz", "XGZ");
	bundle_add("./initrd", "INITRD");
	bundle_add("dir/vmlinuz", "VMLINUZ");
	bundle_add("TRAILER!!!", 0);
	put_bytes("opt/fwboot/set.cpio", (const char *)bundle, bundle_len);
}

/* ---- tests ---- */

static void test_detect(void)
{
	ok(script_detect((const uint8_t *)"#!ipxe\n", 7));
	ok(script_detect((const uint8_t *)"#!ipxe\r\n", 8));
	ok(script_detect((const uint8_t *)"#!gpxe echo", 11));
	ok(script_detect((const uint8_t *)"#!fwboot\tx", 10));
	ok(script_detect((const uint8_t *)"#!ipxe", 6));
	ok(!script_detect((const uint8_t *)"#!ipxefoo", 9));
	ok(!script_detect((const uint8_t *)"#!ipx", 5));
	ok(!script_detect((const uint8_t *)"", 0));
	ok(!script_detect((const uint8_t *)"#!IPXE\n", 7));
	ok(!script_detect((const uint8_t *)" #!ipxe\n", 8));
	ok(!script_detect((const uint8_t *)"#!/bin/sh\n", 10));
	ok(!script_detect((const uint8_t *)"\x7f" "ELF", 4));
	/* a UTF-8 byte order mark before the magic, and nothing else */
	ok(script_detect((const uint8_t *)"\xef\xbb\xbf#!ipxe\n", 10));
	ok(!script_detect((const uint8_t *)"\xef\xbb\xbf", 3));
	ok(!script_detect((const uint8_t *)"\xef\xbb#!ipxe\n", 9));
	ok(!script_detect((const uint8_t *)"\xef\xbb\xbf\xef\xbb\xbf#!ipxe\n", 13));
	/* it is skipped when the script runs: line numbers stay the file's */
	ok_eq(run("\xef\xbb\xbf#!ipxe\necho hi\n"), 0);
	ok_str(out, "hi\n");
	ok_eq(run("\xef\xbb\xbf#!ipxe\necho hi\nbogus\n"), -ST_SCRIPT);
	ok_str(d.msg, "script t:3: bogus: unknown command");
}

/* The issue's example, boot failing each time. */
static void test_example(void)
{
	const char *text = "#!ipxe\n"
			   "echo Booting ${fwboot/version} from fw_cfg\n"
			   "kernel fw_cfg:opt/fwboot/xen console=com1 dom0_mem=1G\n"
			   "module fw_cfg:opt/fwboot/vmlinuz console=hvc0 root=/dev/vda1\n"
			   "module fw_cfg:opt/fwboot/initrd\n"
			   "boot || goto failed\n"
			   ":failed\n"
			   "echo Boot failed, trying the rescue kernel\n"
			   "chain fw_cfg:opt/fwboot/rescue.ipxe\n";
	boot_status = -ST_BAD_IMAGE;
	ok_eq(run_named("opt/fwboot/boot", text), -ST_BAD_IMAGE);
	ok_str(out, "Booting 0.1.0 from fw_cfg\n"
		    "fwboot: script opt/fwboot/boot:6: boot: multiboot1: header checksum is invalid\n"
		    "Boot failed, trying the rescue kernel\n");
	ok_str(boots, "opt/fwboot/xen [console=com1 dom0_mem=1G] + opt/fwboot/vmlinuz [console=hvc0 root=/dev/vda1]"
		      " + opt/fwboot/initrd []\n"
		      "opt/fwboot/rescue [console=ttyS0]\n");
	ok_str(d.msg, "script opt/fwboot/rescue.ipxe:4: boot: multiboot1: header checksum is invalid");
	ok_str(kernel_bytes, "RESCUE");

	/* a missing file: the env's reason, located */
	put("opt/fwboot/xen", "");
	store[0].name = "opt/fwboot/xen-moved";
	ok_eq(run_named("opt/fwboot/boot", text), -ST_NOT_FOUND);
	ok_str(d.msg, "script opt/fwboot/boot:3: kernel: no fw_cfg file \"opt/fwboot/xen\"");
	ok_str(out, "Booting 0.1.0 from fw_cfg\n");
	ok_str(boots, "");
	store[0].name = "opt/fwboot/xen";
	put("opt/fwboot/xen", "XEN-KERNEL");

	/* a boot that comes back (tests only) lets the script go on */
	boot_status = 0;
	ok_eq(run_named("opt/fwboot/boot", text), 0);
	ok_str(boots, "opt/fwboot/xen [console=com1 dom0_mem=1G] + opt/fwboot/vmlinuz [console=hvc0 root=/dev/vda1]"
		      " + opt/fwboot/initrd []\n"
		      "opt/fwboot/rescue [console=ttyS0]\n");
	ok_str(kernel_bytes, "RESCUE");
	boot_status = -ST_BAD_IMAGE;
}

static void test_tokenizer(void)
{
	ok_eq(run("#!ipxe\necho   a\t b  \n"), 0);
	ok_str(out, "a b\n");
	ok_eq(run("#!ipxe\r\necho a\r\necho b\r\n"), 0);
	ok_str(out, "a\nb\n");
	ok_eq(run("#!ipxe\necho last-line-without-newline"), 0);
	ok_str(out, "last-line-without-newline\n");
	ok_eq(run("#!ipxe\n\n   \n\t\necho x\n\n"), 0);
	ok_str(out, "x\n");
	ok_eq(run(""), 0);
	ok_str(out, "");

	/* continuation: the backslash goes, the lines join with nothing between */
	ok_eq(run("#!ipxe\necho a \\\n b \\\r\n c\n"), 0);
	ok_str(out, "a b c\n");
	ok_eq(run("#!ipxe\necho ab\\\ncd\n"), 0);
	ok_str(out, "abcd\n");
	/* line numbers count physical lines */
	ok_eq(run("#!ipxe\necho a \\\nb \\\nc\nfrob\n"), -ST_SCRIPT);
	ok_str(d.msg, "script t:5: frob: unknown command");
	ok_str(out, "a b c\n");
	ok_eq(run("#!ipxe\nfrob \\\nx\n"), -ST_SCRIPT);
	ok_str(d.msg, "script t:2: frob: unknown command");
	ok_eq(run("#!ipxe\necho a \\\n"), -ST_SCRIPT);
	ok_str(d.msg, "script t:2: the last line ends in \"\\\" (continued past the end)");
	ok_eq(run("#!ipxe\necho a \\"), -ST_SCRIPT);
	ok_str(d.msg, "script t:2: the last line ends in \"\\\" (continued past the end)");
	ok_str(out, "");	/* found before anything ran */

	/* comments: a word that starts with '#' ends the line */
	ok_eq(run("#!ipxe\n# a comment\n  #indented\necho a # b c\necho a#b\n"), 0);
	ok_str(out, "a\na#b\n");
	ok_eq(run("#!ipxe\necho x #|| frob\n"), 0);
	ok_str(out, "x\n");

	/* ";" runs the next command whatever happened */
	ok_eq(run1("echo a ; echo b"), 0);
	ok_str(out, "a\nb\n");
	ok_eq(run1("frob ; echo b"), 0);
	ok_str(out, "fwboot: script t:2: frob: unknown command\nb\n");
	/* operators are words of their own */
	fails("echo a||echo b", 0, "");
	ok_str(out, "a||echo b\n");

	/* labels: what follows the label on its line runs */
	ok_eq(run("#!ipxe\n:start echo here\n  :two\necho end\n"), 0);
	ok_str(out, "here\nend\n");

	/* bounds: line length, NUL, words */
	static char line[SCRIPT_MAX_LINE + 64];
	memset(line, 'x', sizeof(line));
	memcpy(line, "#!ipxe\necho ", 12);
	line[7 + SCRIPT_MAX_LINE] = '\n';
	line[8 + SCRIPT_MAX_LINE] = 0;
	ok_eq(run(line), 0);	/* exactly the limit */
	ok_eq(outlen, SCRIPT_MAX_LINE - 5 + 1);
	memcpy(line + 7 + SCRIPT_MAX_LINE, "\r\n", 3);	/* CRLF: the CR does not count */
	ok_eq(run(line), 0);
	ok_eq(outlen, SCRIPT_MAX_LINE - 5 + 1);
	line[7 + SCRIPT_MAX_LINE] = 'x';
	line[8 + SCRIPT_MAX_LINE] = '\n';
	line[9 + SCRIPT_MAX_LINE] = 0;
	ok_eq(run(line), -ST_SCRIPT);
	ok_str(d.msg, "script t:2: line longer than 4096 bytes");
	/* continuations count toward it */
	memcpy(line + 7 + 3000, "\\\n", 2);
	memcpy(line + 7 + SCRIPT_MAX_LINE + 1, "xx\n", 4);	/* 4096 - 2 + 3 joined */
	ok_eq(run(line), -ST_SCRIPT);
	ok_str(d.msg, "script t:2: line longer than 4096 bytes");

	reset();
	ok_eq(script_run(&env, "t", "#!ipxe\necho first\necho a\0b\n", 26, &d), -ST_SCRIPT);
	ok_str(d.msg, "script t:3: NUL byte in the line");
	ok_str(out, "");

	char words[4096] = "echo";
	for (int i = 0; i < SCRIPT_MAX_WORDS - 1; i++)
		strcat(words, " w");
	ok_eq(run1(words), 0);
	strcat(words, " w");
	fails(words, -ST_SCRIPT, "script t:2: more than 256 words in the line");
}

static void test_expansion(void)
{
	ok_eq(run("#!ipxe\nset a hello\necho ${a} world\n"), 0);
	ok_str(out, "hello world\n");
	ok_eq(run1("echo [${nope}]"), 0);
	ok_str(out, "[]\n");
	ok_eq(run("#!ipxe\nset a  x   y \necho [${a}]\n"), 0);
	ok_str(out, "[x y]\n");

	/* words are split before expansion: a value with spaces stays one word */
	ok_eq(run("#!ipxe\nset a x y\niseq ${a} x\n"), -ST_SCRIPT);
	ok_str(d.msg, "script t:3: iseq: \"x y\" and \"x\" differ");
	ok_eq(run("#!ipxe\nset a x y\niseq ${a}z ${a}z\n"), 0);

	/* nesting, literals, no re-expansion of values */
	ok_eq(run("#!ipxe\nset b1 one\nset i 1\necho ${b${i}} ${${nothing}}.\n"), 0);
	ok_str(out, "one .\n");
	ok_eq(run1("echo cost: 5$ $a a}b {x} $"), 0);
	ok_str(out, "cost: 5$ $a a}b {x} $\n");
	ok_eq(run("#!ipxe\nset d $\nset v ${d}{x}\nset x no\necho ${v}\n"), 0);
	ok_str(out, "${x}\n");
	fails("echo ${foo", -ST_SCRIPT, "script t:2: echo: unterminated \"${\" in \"${foo\"");
	fails("echo ok ${a${b}", -ST_SCRIPT, "script t:2: echo: unterminated \"${\" in \"${a${b}\"");
	fails("echo ${", -ST_SCRIPT, "script t:2: echo: unterminated \"${\" in \"${\"");
	fails("echo ${${${${${${${${${a}}}}}}}}}", -ST_SCRIPT, "script t:2: echo: \"${\" nested more than 8 deep");
	ok_eq(run1("echo [${${${${${${${${a}}}}}}}}]"), 0);
	ok_str(out, "[]\n");
	/* the command name is expanded too */
	ok_eq(run("#!ipxe\nset say echo\n${say} hi\n"), 0);
	ok_str(out, "hi\n");
	fails("${nothing} a", -ST_SCRIPT, "script t:2: empty command name (\"${nothing}\" expanded to nothing)");
	fails("${unterminated", -ST_SCRIPT, "script t:2: ${unterminated: unterminated \"${\" in \"${unterminated\"");

	/* built-ins */
	ok_eq(run1("echo ${fwboot/version}"), 0);
	ok_str(out, "0.1.0\n");
	env.version = 0;
	ok_eq(run1("echo [${fwboot/version}]"), 0);
	ok_str(out, "[]\n");
	env.version = "0.1.0";
	ok_eq(run1("echo ${fwboot/size/opt/fwboot/xen} ${fwboot/size/fw_cfg:opt/fwboot/xen} [${fwboot/size/nope}]"
		   " ${fwboot/size/opt/fwboot/set.cpio#xen.gz} [${fwboot/size/http://x}] [${fwboot/other}]"
		   " ${fwboot/size/empty}"),
	      0);
	ok_str(out, "10 10 [] 3 [] [] 0\n");
	ok_eq(opens, 4);	/* xen once (cached), nope, the bundle member, empty */
	ok_eq(run1("isset ${fwboot/size/opt/fwboot/nope} || echo absent"), 0);
	ok_str(out, "absent\n");
	/* the idiom docs/scripts.md gives: fetch a file only when it exists */
	ok_eq(run1("isset ${fwboot/size/opt/fwboot/initrd} && module fw_cfg:opt/fwboot/initrd ||\n"
		   "isset ${fwboot/size/opt/fwboot/nope} && module fw_cfg:opt/fwboot/nope ||\nimgstat"),
	      0);
	ok_str(out, "initrd: 6 bytes (fw_cfg:opt/fwboot/initrd)\n");

	/* the expanded command has a bound */
	static char text[16384];
	char val[4001];
	memset(val, 'v', 4000);
	val[4000] = 0;
	snprintf(text, sizeof(text), "#!ipxe\nset a %s\necho ${a} ${a}\necho ${a} ${a} ${a}\n", val);
	ok_eq(run(text), -ST_SCRIPT);
	ok_str(d.msg, "script t:4: echo: command longer than 8192 bytes after ${} expansion");
	ok_eq(outlen, 8002);
}

static void test_control(void)
{
	ok_eq(run("#!ipxe\ngoto skip\necho no\n:skip\necho yes\n"), 0);
	ok_str(out, "yes\n");
	ok_eq(run("#!ipxe\n"
		  "set n 0\n"
		  ":loop\n"
		  "echo -n ${n}\n"
		  "iseq ${n} 3 && goto done ||\n"
		  "iseq ${n} 0 && set n 1 && goto loop ||\n"
		  "iseq ${n} 1 && set n 2 && goto loop ||\n"
		  "set n 3\n"
		  "goto loop\n"
		  ":done\n"
		  "echo .\n"),
	      0);
	ok_str(out, "0123.\n");
	fails("goto nowhere", -ST_SCRIPT, "script t:2: goto: no label \"nowhere\"");
	/* goto ends its line */
	ok_eq(run("#!ipxe\ngoto x ; echo no\n:x\necho yes\n"), 0);
	ok_str(out, "yes\n");
	ok_eq(run("#!ipxe\ngoto x\necho skipped\n:x echo at-x\necho end\n"), 0);
	ok_str(out, "at-x\nend\n");
	/* the first of two equal labels wins */
	ok_eq(run("#!ipxe\ngoto d\n:d\necho first\nexit\n:d\necho second\n"), 0);
	ok_str(out, "first\n");

	/* a goto loop ends, whatever handles its errors */
	ok_eq(run("#!ipxe\n:a\ngoto a\n"), -ST_SCRIPT);
	ok_str(d.msg, "script t:3: goto: more than 100000 commands run (a goto loop?)");
	ok_eq(run("#!ipxe\n:a\nfrob || goto a\n"), -ST_SCRIPT);
	ok_str(d.msg, "script t:3: frob: more than 100000 commands run (a goto loop?)");
	ok_eq(outtotal, 50000 * strlen("fwboot: script t:3: frob: unknown command\n"));

	/* && and || from left to right */
	ok_eq(run1("iseq a b && echo yes || echo no"), 0);
	ok_str(out, "no\n");
	ok_eq(run1("iseq a a && echo yes || echo no"), 0);
	ok_str(out, "yes\n");
	ok_eq(run("#!ipxe\nisset ${x} || set x default\necho ${x}\n"), 0);
	ok_str(out, "default\n");
	ok_eq(run1("isset ${x} && echo set ||"), 0);
	ok_str(out, "");
	ok_eq(run("#!ipxe\nisset ${x}\necho not reached\n"), -ST_SCRIPT);
	ok_str(d.msg, "script t:2: isset: the value is empty");
	ok_str(out, "");
	fails("iseq a b && echo yes", -ST_SCRIPT, "script t:2: iseq: \"a\" and \"b\" differ");
	ok_eq(run1("iseq ${x} ${y}"), 0);

	/* a handled failure is printed; a false condition is not */
	ok_eq(run1("kernel fw_cfg:nope || echo fallback"), 0);
	ok_str(out, "fwboot: script t:2: kernel: no fw_cfg file \"nope\"\nfallback\n");
	ok_eq(run1("iseq a b || echo differ"), 0);
	ok_str(out, "differ\n");
	ok_eq(run1("frob || kernel nope"), -ST_NOT_FOUND);
	ok_str(out, "fwboot: script t:2: frob: unknown command\n");
	ok_str(d.msg, "script t:2: kernel: no fw_cfg file \"nope\"");
	ok_eq(run1("frob && echo no"), -ST_SCRIPT);
	ok_str(out, "");
	ok_str(d.msg, "script t:2: frob: unknown command");

	/* exit */
	ok_eq(run("#!ipxe\necho a\nexit\necho b\n"), 0);
	ok_str(out, "a\n");
	ok_eq(run("#!ipxe\nexit 0\necho b\n"), 0);
	ok_str(out, "");
	fails("exit 3", -ST_SCRIPT, "script t:2: exit: exit status 3");
	fails("exit 0x10", -ST_SCRIPT, "script t:2: exit: exit status 16");
	fails("exit 3 || echo caught", -ST_SCRIPT, "script t:2: exit: exit status 3");
	ok_str(out, "");
	fails("exit x", -ST_SCRIPT, "script t:2: exit: \"x\" is not a number");
	fails("exit 4294967296", -ST_SCRIPT, "script t:2: exit: \"4294967296\" is not a number");
	fails("exit 1 2", -ST_SCRIPT, "script t:2: exit: too many arguments (usage: exit [STATUS])");
	ok_eq(run1("iseq a b || exit ; echo not reached"), 0);
	ok_str(out, "");
}

static void test_fetch_commands(void)
{
	fails("frobnicate", -ST_SCRIPT, "script t:2: frobnicate: unknown command");
	fails("kernel", -ST_SCRIPT, "script t:2: kernel: missing argument (usage: kernel [--name NAME] URI|IMAGE [ARGS...])");
	fails("imgselect", -ST_SCRIPT,
	      "script t:2: imgselect: missing argument (usage: imgselect [--name NAME] URI|IMAGE [ARGS...])");
	fails("imgload -a", -ST_SCRIPT,
	      "script t:2: imgload: missing argument (usage: imgload [--name NAME] URI|IMAGE [ARGS...])");
	fails("initrd", -ST_SCRIPT, "script t:2: initrd: missing argument (usage: initrd [--name NAME] URI [ARGS...])");
	fails("module --", -ST_SCRIPT, "script t:2: module: missing argument (usage: module [--name NAME] URI [ARGS...])");
	fails("imgfetch", -ST_SCRIPT,
	      "script t:2: imgfetch: missing argument (usage: imgfetch [--name NAME] URI [ARGS...])");

	/* URIs */
	fails("kernel http://example.com/xen", -ST_SCRIPT,
	      "script t:2: kernel: fwboot fetches only from fw_cfg (unsupported scheme \"http:\")");
	fails("module tftp://10.0.0.1/initrd", -ST_SCRIPT,
	      "script t:2: module: fwboot fetches only from fw_cfg (unsupported scheme \"tftp:\")");
	fails("chain https://boot.example/x.ipxe", -ST_SCRIPT,
	      "script t:2: chain: fwboot fetches only from fw_cfg (unsupported scheme \"https:\")");
	fails("kernel fw_cfg://opt/fwboot/xen", -ST_SCRIPT,
	      "script t:2: kernel: \"fw_cfg://opt/fwboot/xen\": write fw_cfg:NAME, with no slashes after the colon");
	fails("kernel fw_cfg:/opt/fwboot/xen", -ST_SCRIPT,
	      "script t:2: kernel: \"fw_cfg:/opt/fwboot/xen\": write fw_cfg:NAME, with no slashes after the colon");
	fails("kernel fw_cfg:", -ST_SCRIPT, "script t:2: kernel: \"fw_cfg:\": no fw_cfg file name");
	fails("kernel ${nothing}", -ST_SCRIPT, "script t:2: kernel: \"\": no fw_cfg file name");
	fails("kernel fw_cfg:#x", -ST_SCRIPT, "script t:2: kernel: \"fw_cfg:#x\": no fw_cfg file name before \"#\"");
	fails("kernel opt/fwboot/set.cpio#", -ST_SCRIPT,
	      "script t:2: kernel: \"opt/fwboot/set.cpio#\": no member name after \"#\"");
	/* 55 characters is the longest fw_cfg name; a member may add more */
	char n56[64], cmd[128], want[256];
	memset(n56, 'n', 56);
	n56[56] = 0;
	snprintf(cmd, sizeof(cmd), "kernel %s", n56);
	snprintf(want, sizeof(want), "script t:2: kernel: \"%s\": fw_cfg names have at most 55 characters", n56);
	fails(cmd, -ST_SCRIPT, want);
	n56[55] = 0;
	snprintf(cmd, sizeof(cmd), "kernel fw_cfg:%s#a-member-name-that-makes-it-longer", n56);
	snprintf(want, sizeof(want), "script t:2: kernel: no fw_cfg file \"%s\"", n56);
	fails(cmd, -ST_NOT_FOUND, want);
	fails("kernel opt/fwboot/set.cpio#nope", -ST_NOT_FOUND,
	      "script t:2: kernel: cpio: opt/fwboot/set.cpio: no member \"nope\"");
	fails("kernel -", -ST_NOT_FOUND, "script t:2: kernel: no fw_cfg file \"-\"");
	ok_eq(run1("kernel FW_CFG:opt/fwboot/xen"), 0);
	ok_eq(run1("kernel fw_cfg:opt/fwboot/set.cpio#xen.gz"), 0);

	/* options */
	const char *named[] = {
		"kernel --name k fw_cfg:opt/fwboot/xen a b\nimgstat",
		"kernel -n k fw_cfg:opt/fwboot/xen a b\nimgstat",
		"kernel --name=k fw_cfg:opt/fwboot/xen a b\nimgstat",
		"kernel -nk fw_cfg:opt/fwboot/xen a b\nimgstat",
		"kernel -an k --timeout 5000 -r -t 3 --autofree --replace -- fw_cfg:opt/fwboot/xen a b\nimgstat",
		"imgfetch fw_cfg:opt/fwboot/xen\nkernel --name k xen a b\nimgstat",
	};
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		ok_eq(run1(named[i]), 0);
		ok_str(out, "k: 10 bytes (fw_cfg:opt/fwboot/xen) [selected] \"a b\"\n");
	}
	fails("kernel --timeout soon x", -ST_SCRIPT, "script t:2: kernel: option \"--timeout\" wants a number, not \"soon\"");
	fails("kernel -t soon x", -ST_SCRIPT, "script t:2: kernel: option \"--timeout\" wants a number, not \"soon\"");
	fails("kernel --frob x", -ST_SCRIPT, "script t:2: kernel: unknown option \"--frob\"");
	fails("kernel --frob=1 x", -ST_SCRIPT, "script t:2: kernel: unknown option \"--frob\"");
	fails("kernel -x y", -ST_SCRIPT, "script t:2: kernel: unknown option \"-x\"");
	fails("kernel -ax y", -ST_SCRIPT, "script t:2: kernel: unknown option \"-x\"");
	fails("kernel --name", -ST_SCRIPT, "script t:2: kernel: option \"--name\" needs a value");
	fails("kernel -n", -ST_SCRIPT, "script t:2: kernel: option \"-n\" needs a value");
	fails("kernel --name= x", -ST_SCRIPT, "script t:2: kernel: option \"--name\" needs a value");
	fails("kernel --autofree=yes x", -ST_SCRIPT, "script t:2: kernel: option \"--autofree\" takes no value");
	/* options end at the first word that is not one */
	ok_eq(run1("kernel fw_cfg:opt/fwboot/xen -n foo --name=x\nimgstat"), 0);
	ok_str(out, "xen: 10 bytes (fw_cfg:opt/fwboot/xen) [selected] \"-n foo --name=x\"\n");

	/* default names: the last path component, of the member for bundles */
	ok_eq(run1("imgfetch fw_cfg:opt/fwboot/xen x\nimgfetch opt/fwboot/set.cpio#dir/vmlinuz\nmodule xen\nimgstat"), 0);
	ok_str(out, "xen: 10 bytes (fw_cfg:opt/fwboot/xen) \"x\"\n"
		    "vmlinuz: 7 bytes (fw_cfg:opt/fwboot/set.cpio#dir/vmlinuz)\n"
		    "xen: 8 bytes (fw_cfg:xen)\n");
	ok_eq(opens, 3);

	/* a failed open is not tried again: fw_cfg does not change */
	ok_eq(run1("kernel nope || kernel fw_cfg:nope || echo x ${fwboot/size/nope}"), 0);
	ok_str(out, "fwboot: script t:2: kernel: no fw_cfg file \"nope\"\n"
		    "fwboot: script t:2: kernel: no fw_cfg file \"nope\"\nx \n");
	ok_eq(opens, 1);
	ok_eq(run1("kernel opt/fwboot/set.cpio#nope || kernel opt/fwboot/set.cpio#nope"), -ST_NOT_FOUND);
	ok_str(d.msg, "script t:2: kernel: cpio: opt/fwboot/set.cpio: no member \"nope\"");
	ok_eq(opens, 1);

	/* a file is opened once however often it is named */
	ok_eq(run1("imgfetch fw_cfg:opt/fwboot/xen\nimgfetch opt/fwboot/xen\nimgfree\nmodule opt/fwboot/xen"), 0);
	ok_eq(opens, 1);

	/* kernel selects an image it already has, by name, without opening again */
	ok_eq(run1("imgfetch fw_cfg:opt/fwboot/xen\nmodule fw_cfg:opt/fwboot/initrd\nkernel xen console=x\nboot"),
	      -ST_BAD_IMAGE);
	ok_str(boots, "opt/fwboot/xen [console=x] + opt/fwboot/initrd []\n");
	ok_eq(opens, 2);
	/* selecting moves the selection */
	ok_eq(run1("kernel fw_cfg:opt/fwboot/xen\nkernel fw_cfg:opt/fwboot/vmlinuz\nimgstat"), 0);
	ok_str(out, "xen: 10 bytes (fw_cfg:opt/fwboot/xen)\nvmlinuz: 5 bytes (fw_cfg:opt/fwboot/vmlinuz) [selected]\n");
	/* equal names: lookups take the first */
	ok_eq(run1("imgfetch --name a fw_cfg:opt/fwboot/xen\nimgfetch --name a fw_cfg:opt/fwboot/initrd\nboot a"),
	      -ST_BAD_IMAGE);
	ok_str(boots, "opt/fwboot/xen [] + opt/fwboot/initrd []\n");

	/* at most SCRIPT_MAX_IMAGES at once */
	static char text[8192];
	strcpy(text, "#!ipxe\n");
	for (int i = 0; i <= SCRIPT_MAX_IMAGES; i++)
		strcat(text, "imgfetch fw_cfg:opt/fwboot/initrd\n");
	ok_eq(run(text), -ST_SCRIPT);
	ok_str(d.msg, "script t:66: imgfetch: more than 64 images (imgfree some first)");
	/* a failure after ";" is only printed: the line goes on */
	strcpy(text + strlen(text) - 1, " ; imgfree initrd ; imgfetch fw_cfg:opt/fwboot/initrd\nimgstat initrd\n");
	ok_eq(run(text), 0);
	ok_str(out, "fwboot: script t:66: imgfetch: more than 64 images (imgfree some first)\n"
		    "initrd: 6 bytes (fw_cfg:opt/fwboot/initrd)\n");

	/* at most SCRIPT_MAX_FILES distinct files in a run */
	static char names[SCRIPT_MAX_FILES + 1][16];
	for (int i = 0; i <= SCRIPT_MAX_FILES; i++) {
		snprintf(names[i], sizeof(names[i]), "f%d", i);
		put(names[i], "F");
	}
	strcpy(text, "#!ipxe\n");
	for (int i = 0; i <= SCRIPT_MAX_FILES; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "imgfetch f%d\nimgfree\n", i);
	ok_eq(run(text), -ST_SCRIPT);
	ok_str(d.msg, "script t:258: imgfetch: more than 128 different files opened");
}

static void test_image_commands(void)
{
	/* boot */
	fails("boot", -ST_SCRIPT, "script t:2: boot: no image selected (use kernel first, or name one)");
	ok_eq(run1("module fw_cfg:opt/fwboot/initrd\nimgexec"), -ST_SCRIPT);
	ok_str(d.msg, "script t:3: imgexec: no image selected (use kernel first, or name one)");
	ok_eq(run1("imgfetch fw_cfg:opt/fwboot/xen\nboot xen a b"), -ST_BAD_IMAGE);
	ok_str(boots, "opt/fwboot/xen [a b]\n");
	ok_eq(run1("boot fw_cfg:opt/fwboot/xen x=1"), -ST_BAD_IMAGE);
	ok_str(boots, "opt/fwboot/xen [x=1]\n");
	ok_eq(run1("kernel fw_cfg:opt/fwboot/xen k\nmodule fw_cfg:opt/fwboot/initrd i\nboot initrd"), -ST_BAD_IMAGE);
	ok_str(boots, "opt/fwboot/initrd [i] + opt/fwboot/xen [k]\n");
	fails("boot nosuch", -ST_NOT_FOUND, "script t:2: boot: no fw_cfg file \"nosuch\"");
	fails("boot --frob", -ST_SCRIPT, "script t:2: boot: unknown option \"--frob\"");
	/* --replace: a failure ends this script, no || catches it */
	ok_eq(run1("kernel fw_cfg:opt/fwboot/xen\nboot --replace || echo caught\necho after"), -ST_BAD_IMAGE);
	ok_str(d.msg, "script t:3: boot: multiboot1: header checksum is invalid");
	ok_str(out, "");
	boot_status = 0;
	ok_eq(run1("kernel fw_cfg:opt/fwboot/xen\nboot\necho after"), 0);
	ok_str(out, "after\n");
	/* an empty file boots (the loaders reject it), a near-magic is no script */
	ok_eq(run1("chain empty\nchain notscript"), 0);
	ok_str(boots, "empty []\nnotscript [] + empty []\n");	/* "empty" stayed, as a module */
	boot_status = -ST_BAD_IMAGE;

	/* imgargs */
	ok_eq(run1("kernel fw_cfg:opt/fwboot/xen a\nimgargs xen b  c\nimgstat xen"), 0);
	ok_str(out, "xen: 10 bytes (fw_cfg:opt/fwboot/xen) [selected] \"b c\"\n");
	ok_eq(run1("kernel fw_cfg:opt/fwboot/xen a\nimgargs xen\nimgstat"), 0);
	ok_str(out, "xen: 10 bytes (fw_cfg:opt/fwboot/xen) [selected]\n");
	ok_eq(run1("imgargs --name x fw_cfg:opt/fwboot/initrd rd=1\nimgstat"), 0);
	ok_str(out, "x: 6 bytes (fw_cfg:opt/fwboot/initrd) \"rd=1\"\n");
	fails("imgargs", -ST_SCRIPT, "script t:2: imgargs: missing argument (usage: imgargs IMAGE [ARGS...])");
	fails("imgargs nosuch x", -ST_NOT_FOUND, "script t:2: imgargs: no fw_cfg file \"nosuch\"");

	/* imgfree, imgstat */
	ok_eq(run1("imgfetch fw_cfg:opt/fwboot/xen\nimgfetch fw_cfg:opt/fwboot/initrd\nimgfree\nimgstat"), 0);
	ok_str(out, "");
	ok_eq(run1("kernel fw_cfg:opt/fwboot/xen\nimgfetch fw_cfg:opt/fwboot/initrd\nimgfetch fw_cfg:opt/fwboot/vmlinuz\n"
		   "imgfree xen vmlinuz\nimgstat\nboot"),
	      -ST_SCRIPT);
	ok_str(out, "initrd: 6 bytes (fw_cfg:opt/fwboot/initrd)\n");
	ok_str(d.msg, "script t:7: boot: no image selected (use kernel first, or name one)");
	fails("imgfree nosuch", -ST_SCRIPT, "script t:2: imgfree: no image \"nosuch\"");
	fails("imgfree -x", -ST_SCRIPT, "script t:2: imgfree: unknown option \"-x\"");
	fails("imgstat zz", -ST_SCRIPT, "script t:2: imgstat: no image \"zz\"");
	ok_eq(run1("imgstat"), 0);
	ok_str(out, "");
	/* a freed slot is used again */
	ok_eq(run1("imgfetch fw_cfg:opt/fwboot/xen x\nimgfree xen\nimgfetch fw_cfg:opt/fwboot/initrd\nimgstat"), 0);
	ok_str(out, "initrd: 6 bytes (fw_cfg:opt/fwboot/initrd)\n");
}

static void test_other_commands(void)
{
	/* echo */
	ok_eq(run("#!ipxe\necho -n a\necho b\n"), 0);
	ok_str(out, "ab\n");
	ok_eq(run1("echo"), 0);
	ok_str(out, "\n");
	ok_eq(run1("echo -n"), 0);
	ok_str(out, "");
	ok_eq(run1("echo -n -n x"), 0);
	ok_str(out, "x");
	ok_eq(run1("echo -- -n"), 0);
	ok_str(out, "-n\n");
	ok_eq(run1("echo --- menu --- -x"), 0);
	ok_str(out, "--- menu --- -x\n");

	/* set, clear */
	fails("set", -ST_SCRIPT, "script t:2: set: missing argument (usage: set NAME [VALUE...])");
	fails("set fwboot/version 2", -ST_SCRIPT, "script t:2: set: \"fwboot/version\" is read-only");
	fails("set ${nothing} 2", -ST_SCRIPT, "script t:2: set: empty variable name");
	fails("set -x 1", -ST_SCRIPT, "script t:2: set: unknown option \"-x\"");
	ok_eq(run("#!ipxe\nset a 1\nset a\nisset ${a} || echo gone\n"), 0);
	ok_str(out, "gone\n");
	ok_eq(run("#!ipxe\nset a 1\nset a ${nothing}\nisset ${a} || echo gone\n"), 0);
	ok_str(out, "gone\n");
	ok_eq(run("#!ipxe\nset a 1\nset a ${nothing} ${nothing}\necho [${a}]\n"), 0);
	ok_str(out, "[ ]\n");
	ok_eq(run("#!ipxe\nset a 1\nclear a\necho [${a}]\nclear nosuch\n"), 0);
	ok_str(out, "[]\n");
	ok_eq(run("#!ipxe\nset net0/ip 10.0.0.2\necho ${net0/ip}\n"), 0);
	ok_str(out, "10.0.0.2\n");
	fails("clear", -ST_SCRIPT, "script t:2: clear: missing argument (usage: clear NAME)");
	fails("clear a b", -ST_SCRIPT, "script t:2: clear: too many arguments (usage: clear NAME)");
	fails("clear fwboot/version", -ST_SCRIPT, "script t:2: clear: \"fwboot/version\" is read-only");
	char name[80], line[256];
	memset(name, 'n', 64);
	name[64] = 0;
	snprintf(line, sizeof(line), "set %s 1", name);
	fails(line, -ST_SCRIPT, "script t:2: set: variable name longer than 63 characters");
	name[63] = 0;
	snprintf(line, sizeof(line), "set %s 1\necho ${%s}", name, name);
	ok_eq(run1(line), 0);
	ok_str(out, "1\n");
	static char text[4096];
	strcpy(text, "#!ipxe\n");
	for (int i = 0; i <= SCRIPT_MAX_VARS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "set v%d %d\n", i, i);
	ok_eq(run(text), -ST_SCRIPT);
	ok_str(d.msg, "script t:66: set: more than 64 variables");
	memcpy(text + 7, "clear v0\n", 9);	/* line 2 was "set v0 0\n": now one slot is free again */
	ok_eq(run(text), 0);

	/* isset, iseq */
	fails("isset", -ST_SCRIPT, "script t:2: isset: missing argument (usage: isset VALUE)");
	fails("isset a b", -ST_SCRIPT, "script t:2: isset: too many arguments (usage: isset VALUE)");
	fails("iseq a", -ST_SCRIPT, "script t:2: iseq: missing argument (usage: iseq VALUE1 VALUE2)");
	fails("iseq a b c", -ST_SCRIPT, "script t:2: iseq: too many arguments (usage: iseq VALUE1 VALUE2)");
	fails("iseq -- -1 1", -ST_SCRIPT, "script t:2: iseq: \"-1\" and \"1\" differ");
	ok_eq(run1("isset x"), 0);

	/* goto */
	fails("goto", -ST_SCRIPT, "script t:2: goto: missing argument (usage: goto LABEL)");
	fails("goto a b", -ST_SCRIPT, "script t:2: goto: too many arguments (usage: goto LABEL)");

	/* sleep */
	ok_eq(run1("sleep 5\nsleep 0"), 0);
	ok_eq(slept, 5);
	fails("sleep", -ST_SCRIPT, "script t:2: sleep: missing argument (usage: sleep SECONDS)");
	fails("sleep x", -ST_SCRIPT, "script t:2: sleep: \"x\" is not a number");
	fails("sleep 1 2", -ST_SCRIPT, "script t:2: sleep: too many arguments (usage: sleep SECONDS)");
	ok_eq(run1("sleep 3000\nsleep 600\nsleep 1"), -ST_SCRIPT);
	ok_str(d.msg, "script t:4: sleep: sleeping more than 3600 seconds in all");
	ok_eq(slept, 3600);
	env.sleep = 0;
	ok_eq(run1("sleep 2"), 0);
	ok_eq(slept, 0);
	env.sleep = fake_sleep;
	env.print = 0;
	ok_eq(run1("echo nowhere ; frob || echo still"), 0);
	env.print = fake_print;
	ok_str(out, "");
}

static void test_chain(void)
{
	ok_eq(run1("chain fw_cfg:inner.ipxe\necho back"), 0);
	ok_str(out, "inner\nback\n");
	ok_eq(run1("chain inner-exit0.ipxe\necho back"), 0);
	ok_str(out, "one\nback\n");
	ok_eq(run1("chain inner-exit4.ipxe || echo caught"), 0);
	ok_str(out, "one\nfwboot: script inner-exit4.ipxe:3: exit: exit status 4\ncaught\n");
	ok_eq(run1("chain inner-exit4.ipxe"), -ST_SCRIPT);
	ok_str(d.msg, "script inner-exit4.ipxe:3: exit: exit status 4");
	/* a nested error keeps its own place */
	ok_eq(run1("chain inner-fail.ipxe\necho not reached"), -ST_NOT_FOUND);
	ok_str(d.msg, "script inner-fail.ipxe:3: kernel: no fw_cfg file \"nope\"");
	ok_str(out, "in\n");
	/* labels belong to their script */
	ok_eq(run("#!ipxe\nchain inner-goto.ipxe\ngoto end\necho skipped\n:end\necho outer-end\n"), 0);
	ok_str(out, "inner-end\nouter-end\n");
	/* the same script twice, one after the other; #!gpxe and CRLF too */
	ok_eq(run1("chain inner.ipxe ; chain inner.ipxe ; chain crlf.ipxe"), 0);
	ok_str(out, "inner\ninner\ncrlf\n");

	/* loops and depth */
	ok_eq(run_named("opt/fwboot/boot", "#!ipxe\nchain fw_cfg:opt/fwboot/boot\n"), -ST_SCRIPT);
	ok_str(d.msg, "script opt/fwboot/boot:2: chain: \"opt/fwboot/boot\" is already running (chain loop)");
	ok_eq(run_named("fw_cfg:opt/fwboot/boot", "#!ipxe\nchain opt/fwboot/boot\n"), -ST_SCRIPT);
	ok_str(d.msg, "script fw_cfg:opt/fwboot/boot:2: chain: \"opt/fwboot/boot\" is already running (chain loop)");
	ok_eq(run1("chain a.ipxe"), -ST_SCRIPT);
	ok_str(d.msg, "script b.ipxe:2: chain: \"a.ipxe\" is already running (chain loop)");
	ok_eq(run1("chain s1"), -ST_SCRIPT);
	ok_str(d.msg, "script s7:2: chain: scripts nested more than 8 deep");
	ok_eq(run1("chain s2"), 0);
	ok_str(out, "deepest\n");
	ok_eq(run1("chain inner-loop.ipxe || echo caught"), -ST_SCRIPT);
	ok_str(d.msg, "script inner-loop.ipxe:3: goto: more than 100000 commands run (a goto loop?)");
	ok_str(out, "");
	ok_eq(run1("chain big.ipxe"), -ST_SCRIPT);
	ok_str(d.msg, "script t:2: chain: \"big.ipxe\" is 70007 bytes; fwboot runs scripts of up to 65536");

	/* --replace: the chained script takes this one's place */
	ok_eq(run1("chain --replace inner.ipxe\necho not reached"), 0);
	ok_str(out, "inner\n");
	ok_eq(run1("chain -r inner-exit4.ipxe || echo not caught"), -ST_SCRIPT);
	ok_str(out, "one\n");

	/* images are shared; the chained script is not a module */
	ok_eq(run1("kernel fw_cfg:opt/fwboot/xen\nchain inner-boot.ipxe"), -ST_BAD_IMAGE);
	ok_str(boots, "opt/fwboot/xen [] + opt/fwboot/initrd []\n");
	ok_eq(run1("kernel fw_cfg:inner.ipxe\nboot\nimgstat"), 0);
	ok_str(out, "inner\n");
	/* chain of anything else boots it */
	ok_eq(run1("module fw_cfg:opt/fwboot/initrd\nchain fw_cfg:opt/fwboot/xen a=1"), -ST_BAD_IMAGE);
	ok_str(boots, "opt/fwboot/xen [a=1] + opt/fwboot/initrd []\n");

	/* a whole boot set in one bundle */
	ok_eq(run1("chain fw_cfg:opt/fwboot/set.cpio#boot.ipxe"), -ST_BAD_IMAGE);
	ok_str(out, "xen.gz: 3 bytes (fw_cfg:opt/fwboot/set.cpio#xen.gz) [selected] \"dom0_mem=1G\"\n"
		    "initrd: 6 bytes (fw_cfg:opt/fwboot/set.cpio#./initrd)\n");
	ok_str(boots, "opt/fwboot/set.cpio#xen.gz [dom0_mem=1G] + opt/fwboot/set.cpio#./initrd []\n");
	ok_str(kernel_bytes, "XGZ");
	ok_str(d.msg, "script opt/fwboot/set.cpio#boot.ipxe:5: boot: multiboot1: header checksum is invalid");
}

/* A loop runs in constant memory: buffers are reused, files opened once. */
static void test_memory(void)
{
#if defined(__SANITIZE_ADDRESS__)
	const char *body = "#!ipxe\n"
			   ":top\n"
			   "set x ${fwboot/version} a b c\n"
			   "imgfetch --name ${x} fw_cfg:opt/fwboot/xen ${x} ${x}\n"
			   "kernel fw_cfg:opt/fwboot/initrd\n"
			   "kernel fw_cfg:nope || clear x\n"
			   "echo -n ${fwboot/size/opt/fwboot/nope}\n"
			   "chain inner-goto.ipxe\n"
			   "boot || imgfree\n"
			   "%s\n";
	char once[1024], loop[1024];
	snprintf(once, sizeof(once), body, "exit");
	snprintf(loop, sizeof(loop), body, "goto top");
	size_t before = __sanitizer_get_current_allocated_bytes();
	ok_eq(run(once), 0);
	size_t one = __sanitizer_get_current_allocated_bytes() - before;
	before = __sanitizer_get_current_allocated_bytes();
	ok_eq(run(loop), -ST_SCRIPT);
	size_t many = __sanitizer_get_current_allocated_bytes() - before;
	ok(strstr(d.msg, ": more than 100000 commands run (a goto loop?)") != 0);
	ok(many <= one + 1024);
	if (many > one + 1024)
		printf("     one pass took %zu bytes, 100000 commands %zu\n", one, many);
#endif
}

#define KEYS(...)                                                  \
	do {                                                       \
		static const int k_[] = { __VA_ARGS__ };           \
		keys = k_;                                         \
		nkeys = sizeof(k_) / sizeof(k_[0]);                \
	} while (0)
#define NOKEYS() (keys = 0, nkeys = 0)

static const char menu3[] = "#!ipxe\n"
			    "menu Pick a kernel\n"
			    "item --key x xen The Xen one\n"
			    "item --gap -- Linux:\n"
			    "item --default --key l linux Plain Linux\n"
			    "item rescue\n"
			    "choose %s k || goto cancel\n"
			    "echo [${k}]\n"
			    "exit\n"
			    ":cancel\n"
			    "echo cancelled\n";

static int run_menu(const char *choose_opts)
{
	static char buf[1024];
	snprintf(buf, sizeof(buf), menu3, choose_opts);
	return run(buf);
}

static void test_menus(void)
{
	/* the default by timeout; the timeout reaches read_key */
	NOKEYS();
	ok_eq(run_menu("--timeout 2500"), 0);
	ok(strstr(out, "[linux]\n") != 0);
	ok_eq(last_timeout, 2500);
	ok(strstr(out, "Pick a kernel\n") != 0);
	ok(strstr(out, " > l      Plain Linux\n") != 0);
	ok(strstr(out, "    Linux:\n") != 0);
	ok(strstr(out, "   x      The Xen one\n") != 0);
	ok(strstr(out, "          rescue\n") != 0);
	/* arrows skip the gap and stop at the ends; a key stops the timeout */
	KEYS(KEY_UP, KEY_UP, KEY_DOWN, KEY_DOWN, KEY_DOWN, KEY_UP, KEY_ENTER);
	ok_eq(run_menu("--timeout 100"), 0);
	ok(strstr(out, "[linux]\n") != 0);
	ok_eq(last_timeout, 0);
	KEYS(KEY_DOWN, KEY_ENTER);
	ok_eq(run_menu(""), 0);
	ok(strstr(out, "[rescue]\n") != 0);
	KEYS(KEY_HOME, KEY_ENTER);
	ok_eq(run_menu(""), 0);
	ok(strstr(out, "[xen]\n") != 0);
	KEYS(KEY_END, '\r');
	ok_eq(run_menu(""), 0);
	ok(strstr(out, "[rescue]\n") != 0);
	/* a hotkey chooses at once; other keys are ignored */
	KEYS('q', 'x');
	ok_eq(run_menu("--timeout 100"), 0);
	ok(strstr(out, "[xen]\n") != 0);
	/* --default LABEL; Escape cancels (the command fails) */
	KEYS(KEY_ENTER);
	ok_eq(run_menu("--default rescue"), 0);
	ok(strstr(out, "[rescue]\n") != 0);
	KEYS(KEY_DOWN, KEY_ESC);
	ok_eq(run_menu(""), 0);
	ok(strstr(out, "cancelled\n") != 0);
	ok(strstr(out, "choose: cancelled\n") != 0);
	/* no input left, no timeout: a failure, not a wait */
	NOKEYS();
	ok_eq(run_menu(""), 0);
	ok(strstr(out, "choose: no input to choose with\n") != 0);

	/* named menus, --keep, --delete */
	KEYS(KEY_ENTER, KEY_DOWN, KEY_ENTER);
	ok_eq(run("#!ipxe\nmenu --name m Title\nitem --menu m a A\nitem --menu m b B\n"
		  "choose --keep --menu m v\necho ${v}\nchoose --menu m w\necho ${w}\n"
		  "choose --menu m w || echo gone\n"), 0);
	ok(strstr(out, "chosen: b\nb\nfwboot: script t:9: choose: no menu \"m\"\ngone\n") != 0);
	ok(strstr(out, "chosen: a\na\n") != 0);
	ok_eq(run("#!ipxe\nmenu\nmenu --delete\nmenu --delete\n"), -ST_SCRIPT);
	ok_str(d.msg, "script t:4: menu: no menu \"\"");
	/* menus are replaced by name */
	KEYS(KEY_ENTER);
	ok_eq(run("#!ipxe\nmenu\nitem a\nmenu\nitem b\nchoose v\necho ${v}\n"), 0);
	ok(strstr(out, "chosen: b\n") != 0);

	/* bad input */
	fails("choose v", -ST_SCRIPT, "script t:2: choose: no menu");
	fails("item a", -ST_SCRIPT, "script t:2: item: no menu");
	fails("menu ; choose v", -ST_SCRIPT, "script t:2: choose: the menu has no items to choose");
	fails("menu ; item --gap x ; choose v", -ST_SCRIPT, "script t:2: choose: the menu has no items to choose");
	fails("menu ; item a ; choose --default b v", -ST_SCRIPT, "script t:2: choose: no item \"b\" in the menu");
	fails("menu ; item a ; choose --menu zz v", -ST_SCRIPT, "script t:2: choose: no menu \"zz\"");
	fails("menu ; item a ; choose --timeout 1s v", -ST_SCRIPT,
	      "script t:2: choose: option \"--timeout\" wants a number, not \"1s\"");
	fails("menu ; item --key ab a", -ST_SCRIPT,
	      "script t:2: item: option \"--key\" wants a character or a key code, not \"ab\"");
	fails("menu ; item a ; choose fwboot/x", -ST_SCRIPT, "script t:2: choose: \"fwboot/x\" is read-only");
	fails("menu ; item a ; choose", -ST_SCRIPT,
	      "script t:2: choose: missing argument (usage: choose [--menu NAME] [--default LABEL] [--timeout MS] [--keep] VAR)");
	fails("menu --name 0123456789012345678901234567890123", -ST_SCRIPT,
	      "script t:2: menu: menu name longer than 31 characters");
	fails("menu -n 1 ; menu -n 2 ; menu -n 3 ; menu -n 4 ; menu -n 5 ; menu -n 6 ; menu -n 7 ; menu -n 8 ; menu -n 9",
	      -ST_SCRIPT, "script t:2: menu: more than 8 menus");
	{
		static char many[8192];
		size_t n = (size_t)snprintf(many, sizeof(many), "#!ipxe\nmenu\n");
		for (int k = 0 ; k < 65 ; k++)
			n += (size_t)snprintf(many + n, sizeof(many) - n, "item i%d\n", k);
		ok_eq(run(many), -ST_SCRIPT);
		ok_str(d.msg, "script t:67: item: more than 64 items in a menu");
	}
}

static void test_prompt(void)
{
	KEYS('a');
	ok_eq(run1("prompt --timeout 3000 Press a key && echo yes"), 0);
	ok_str(out, "Press a key \nyes\n");
	ok_eq(last_timeout, 3000);
	NOKEYS();
	ok_eq(run1("prompt --timeout 3000 || echo no"), 0);
	ok_str(out, "Press any key \nno\n");	/* a timeout is quiet */
	KEYS(2);
	ok_eq(run1("prompt --key 0x02 --timeout 3000 Ctrl-B? && echo shell"), 0);
	ok_str(out, "Ctrl-B? \nshell\n");
	KEYS('x');
	ok_eq(run1("prompt --key y --timeout 3000 || echo other"), 0);
	ok_str(out, "Press any key \nother\n");
	fails("prompt --timeout=-1", -ST_SCRIPT, "script t:2: prompt: option \"--timeout\" wants a number, not \"-1\"");
	NOKEYS();
	fails("prompt", -ST_SCRIPT, "script t:2: prompt: no input");
}

static void test_typing(void)
{
	/* read: from the value there, Backspace edits, Enter ends */
	KEYS('x', KEY_BACKSPACE, 'b', 'c', KEY_ENTER);
	ok_eq(run("#!ipxe\nset v a\nread v\necho [${v}]\n"), 0);
	ok_str(out, "ax\b \bbc\n[abc]\n");
	KEYS(KEY_BACKSPACE, KEY_BACKSPACE, KEY_UP, KEY_ENTER);
	ok_eq(run("#!ipxe\nset v a\nread v\nisset ${v} || echo empty\n"), 0);
	ok(strstr(out, "empty\n") != 0);
	KEYS('q', KEY_ESC);
	fails("read v", -ST_SCRIPT, "script t:2: read: cancelled");
	NOKEYS();
	fails("read v", -ST_SCRIPT, "script t:2: read: no input");
	fails("read fwboot/v", -ST_SCRIPT, "script t:2: read: \"fwboot/v\" is read-only");
	{
		static int many[300];
		for (int k = 0; k < 300; k++)
			many[k] = 'a';
		keys = many;
		nkeys = 300;
		fails("read v", -ST_SCRIPT, "script t:2: read: input longer than 255 bytes");
		ok_eq(nkeys, 44);
	}

	/* inc */
	ok_eq(run("#!ipxe\ninc n\ninc n\ninc n 40\necho ${n}\nset m 0xffffffff\ninc m\necho ${m}\n"), 0);
	ok_str(out, "42\n0\n");
	fails("set n x ; inc n", -ST_SCRIPT, "script t:2: inc: \"x\" is not a number");
	fails("inc n y", -ST_SCRIPT, "script t:2: inc: \"y\" is not a number");

	/* shell: commands by hand, failures printed, exit leaves */
	KEYS('s', 'e', 't', ' ', 'x', ' ', '5', KEY_ENTER, 'b', 'a', 'd', KEY_ENTER, 'e', 'x', 'i', 't', KEY_ENTER);
	ok_eq(run1("shell ; echo x=${x}"), 0);
	ok_str(out, "fwboot shell: script commands; \"exit\" leaves\nfwboot> set x 5\nfwboot> bad\n"
		    "fwboot: script shell:1: bad: unknown command\nfwboot> exit\nx=5\n");
	/* a boot from the shell */
	{
		static int line[64];
		const char *t = "kernel fw_cfg:opt/fwboot/xen a=1 && boot\r";
		size_t n = strlen(t);
		for (size_t k = 0; k < n; k++)
			line[k] = t[k];
		keys = line;
		nkeys = n;
		boot_status = 0;
		ok_eq(run1("shell"), -ST_SCRIPT);
		boot_status = -ST_BAD_IMAGE;
		ok(strstr(boots, "opt/fwboot/xen [a=1]") != 0);
		ok_str(d.msg, "script t:2: shell: no input");
	}
	/* Escape drops the line; garbage and no input end it */
	KEYS('x', KEY_ESC, KEY_PGUP, 0x01, '}', '$', '{', KEY_ENTER);
	ok_eq(run1("shell"), -ST_SCRIPT);
	ok(strstr(out, "fwboot: cancelled\n") != 0);
	ok(strstr(out, "fwboot: script shell:1: }${: unterminated") != 0);
	/* shells inside shells stop at the depth bound */
	{
		static int nest[84];
		for (int k = 0; k < 80; k += 6) {
			nest[k] = 's', nest[k + 1] = 'h', nest[k + 2] = 'e', nest[k + 3] = 'l', nest[k + 4] = 'l';
			nest[k + 5] = KEY_ENTER;
		}
		keys = nest;
		nkeys = 78;
		ok_eq(run1("shell"), -ST_SCRIPT);
		ok(strstr(out, "shell: scripts nested more than 8 deep\n") != 0);
	}
}

static uint32_t cpuid_regs[4][4] = { [3] = { 1 } };	/* leaves 1, 0x80000000, 0x80000001, 0 */

static void fake_cpuid(void *ctx, uint32_t leaf, uint32_t regs[4])
{
	(void)ctx;
	memcpy(regs, cpuid_regs[leaf == 1 ? 0 : leaf == 0x80000000u ? 1 : leaf ? 2 : 3], 16);
}

static void test_cpuid(void)
{
	cpuid_regs[0][3] = 1u << 25;	/* EDX 25: SSE */
	cpuid_regs[0][2] = 1u << 31;	/* ECX 31: hypervisor */
	cpuid_regs[2][3] = 1u << 29;	/* extended EDX 29: long mode */
	ok_eq(run1("cpuid 25 && echo sse"), 0);
	ok_str(out, "sse\n");
	ok_eq(run1("cpuid --ecx 31 && echo vm"), 0);
	ok_str(out, "vm\n");
	ok_eq(run1("cpuid 24 || echo no"), 0);
	ok_str(out, "no\n");	/* false is quiet */
	/* the extended leaf only where leaf 0x80000000 says it exists */
	ok_eq(run1("cpuid --ext 29 || echo 32-bit"), 0);
	ok_str(out, "32-bit\n");
	cpuid_regs[1][0] = 0x80000008u;
	ok_eq(run1("cpuid --ext 29 && echo 64-bit"), 0);
	ok_str(out, "64-bit\n");
	fails("cpuid 32", -ST_SCRIPT, "script t:2: cpuid: \"32\" is not a bit number (0-31)");
	fails("cpuid", -ST_SCRIPT, "script t:2: cpuid: missing argument (usage: cpuid [--ext] [--ecx] BIT)");
}

static void test_settings(void)
{
	ok_eq(run1("echo ${platform} ${uuid} [${serial}]"), 0);
	ok_str(out, "efi 12345678-9abc-def0-1234-56789abcdef0 []\n");
	ok_eq(run1("echo ${product}"), 0);
	ok_eq(strlen(out), 128);
	ok_eq(run1("iseq ${platform} efi && echo k.efi || echo k.elf"), 0);
	ok_str(out, "k.efi\n");
	/* a variable of the same name wins, as in iPXE's local settings */
	ok_eq(run1("set platform x ; echo ${platform}"), 0);
	ok_str(out, "x\n");
}

int main(void)
{
	setup();
	boot_status = -ST_BAD_IMAGE;
	test_detect();
	test_example();
	test_tokenizer();
	test_expansion();
	test_control();
	test_fetch_commands();
	test_image_commands();
	test_other_commands();
	test_chain();
	test_memory();
	test_menus();
	test_prompt();
	test_typing();
	env.cpuid = fake_cpuid;
	test_cpuid();
	test_settings();
	ok_eq(boot_anomalies, 0);
	return test_done("script");
}
