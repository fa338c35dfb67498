/* SPDX-License-Identifier: BSD-2-Clause */
/* SHA-256's compression function for fwboot.elf (i686), written for
 * TCG (see ROUND for what costs there); lib/sha256_c.c is the reference
 * every test compares this with. Same contract as the C version:
 *
 *   void sha256_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks);
 *
 * cdecl; keeps EBX, ESI, EDI, EBP; p needs no alignment.
 *
 * How a round is made cheap:
 *  - a and e live in EAX and EDX; the eight working words also have
 *    slots X[0..7] on the stack, and rather than moving b..h down each
 *    round, eight rounds are written out with the slot names rotating
 *    (round r finds a in X[-r & 7], b in X[(1 - r) & 7], ... h in
 *    X[(7 - r) & 7]); a round only stores the a and e it was given, for
 *    the rounds that read them as b, c, d and f, g, h;
 *  - Sigma1(e) = ror6(e ^ ror5(e ^ ror14(e))) and Sigma0(a) =
 *    ror2(a ^ ror11(a ^ ror9(a))): three rotates and two xors each;
 *  - Ch(e, f, g) = ((f ^ g) & e) ^ g;
 *  - Maj(a, b, c) = ((a ^ b) & (b ^ c)) ^ b, where b ^ c is the previous
 *    round's a ^ b, carried in EDI, and b = (a ^ b) ^ a: no second load.
 * The message schedule (W[16..63]) is computed first, into the frame. */

#define X(n)	(((n) & 7) * 4)		/* slot of working word n */
#define W	32			/* W[0..63] after the slots */
#define FRAME	(W + 256)
#define ARGS	(FRAME + 16 + 4)	/* past the frame, 4 saved registers, the return address */
#define ARG_H	(ARGS + 0)
#define ARG_P	(ARGS + 4)
#define ARG_N	(ARGS + 8)

/* One round, r = 0..7 within the written-out eight. EAX = a, EDX = e,
 * EDI = b ^ c; EBP = 4 * (index of round 0 of these eight); EBX, ECX and
 * ESI are scratch. Leaves the next round's a, e and b ^ c in EAX, EDX,
 * EDI.
 *
 * The order is TCG's: a rotate's flags cost QEMU a call to compute all of
 * EFLAGS when they are still live at the next memory access (which could
 * fault and must see them), and nothing when a register-only ALU
 * instruction overwrites them first. So every rotate here is followed by
 * one, and the loads come before the rotates. */
.macro ROUND r
	movl X(5 - \r)(%esp), %esi	/* f */
	movl X(6 - \r)(%esp), %ebx	/* g */
	movl %edx, %ecx
	xorl %ebx, %esi			/* f ^ g */
	rorl $14, %ecx
	andl %edx, %esi
	xorl %edx, %ecx
	rorl $5, %ecx
	xorl %ebx, %esi			/* Ch(e, f, g) */
	xorl %edx, %ecx
	rorl $6, %ecx			/* Sigma1(e) */
	addl %esi, %ecx
	movl %edx, X(4 - \r)(%esp)	/* e, read as f, g, h later */
	addl X(7 - \r)(%esp), %ecx	/* + h */
	addl W + 4 * \r(%esp, %ebp), %ecx
	addl sha256_k + 4 * \r(%ebp), %ecx	/* T1 */
	movl X(3 - \r)(%esp), %edx
	addl %ecx, %edx			/* the next e: d + T1 */
	movl %eax, X(0 - \r)(%esp)	/* a, read as b, c, d later */
	movl X(1 - \r)(%esp), %ebx	/* b */
	movl %eax, %esi
	rorl $9, %esi
	xorl %eax, %esi
	rorl $11, %esi
	xorl %eax, %esi
	rorl $2, %esi			/* Sigma0(a) */
	addl %esi, %ecx
	xorl %eax, %ebx			/* a ^ b */
	andl %ebx, %edi
	xorl %ebx, %edi
	xorl %eax, %edi			/* Maj(a, b, c) */
	addl %edi, %ecx			/* the next a: T1 + T2 */
	movl %ebx, %edi			/* the next round's b ^ c */
	movl %ecx, %eax
.endm

	.text
	.global sha256_blocks
	.type sha256_blocks, @function
sha256_blocks:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	subl $FRAME, %esp
	cmpl $0, ARG_N(%esp)
	je .Ldone

.Lblock:
	/* W[0..15]: the block's big-endian words */
	movl ARG_P(%esp), %esi
	xorl %ebp, %ebp
.Lload:
	movl (%esi, %ebp), %eax
	bswapl %eax
	movl %eax, W(%esp, %ebp)
	addl $4, %ebp
	cmpl $64, %ebp
	jne .Lload

	/* W[i] = W[i-16] + s0(W[i-15]) + W[i-7] + s1(W[i-2]), i = 16..63;
	 * s0(x) = ror7(x ^ ror11(x)) ^ x >> 3, s1(x) = ror17(x ^ ror2(x)) ^ x >> 10 */
.Lschedule:
	movl W - 60(%esp, %ebp), %eax
	movl W - 8(%esp, %ebp), %ebx
	movl %eax, %ecx
	rorl $11, %ecx
	xorl %eax, %ecx
	rorl $7, %ecx
	shrl $3, %eax
	xorl %ecx, %eax
	movl %ebx, %ecx
	rorl $2, %ecx
	xorl %ebx, %ecx
	rorl $17, %ecx
	shrl $10, %ebx
	xorl %ecx, %ebx
	addl %ebx, %eax
	addl W - 64(%esp, %ebp), %eax
	addl W - 28(%esp, %ebp), %eax
	movl %eax, W(%esp, %ebp)
	addl $4, %ebp
	cmpl $256, %ebp
	jne .Lschedule

	/* the working words from h: all in their slots, a and e also in registers */
	movl ARG_H(%esp), %esi
	xorl %ebp, %ebp
.Lcopy:
	movl (%esi, %ebp), %eax
	movl %eax, (%esp, %ebp)
	addl $4, %ebp
	cmpl $32, %ebp
	jne .Lcopy
	movl X(1)(%esp), %edi
	xorl X(2)(%esp), %edi		/* b ^ c */
	movl X(0)(%esp), %eax
	movl X(4)(%esp), %edx
	xorl %ebp, %ebp

.Lrounds:
	ROUND 0
	ROUND 1
	ROUND 2
	ROUND 3
	ROUND 4
	ROUND 5
	ROUND 6
	ROUND 7
	addl $32, %ebp
	cmpl $256, %ebp
	jne .Lrounds

	/* after 64 rounds the slots are where round 0 found them; a and e
	 * never went back to theirs */
	movl ARG_H(%esp), %esi
	addl %eax, 0(%esi)
	addl %edx, 16(%esi)
	movl X(1)(%esp), %eax
	addl %eax, 4(%esi)
	movl X(2)(%esp), %eax
	addl %eax, 8(%esi)
	movl X(3)(%esp), %eax
	addl %eax, 12(%esi)
	movl X(5)(%esp), %eax
	addl %eax, 20(%esi)
	movl X(6)(%esp), %eax
	addl %eax, 24(%esi)
	movl X(7)(%esp), %eax
	addl %eax, 28(%esi)

	addl $64, ARG_P(%esp)
	decl ARG_N(%esp)
	jne .Lblock
.Ldone:
	addl $FRAME, %esp
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret
	.size sha256_blocks, . - sha256_blocks

	.section .note.GNU-stack, "", @progbits
