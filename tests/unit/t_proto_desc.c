/* SPDX-License-Identifier: MIT */
/*
 * t_proto_desc.c - no message type of tallyvan.proto may reach itself.
 *
 * protobuf-c 1.4.1 has no recursion limit: a recursive type lets a small
 * hostile message exhaust the stack.  A depth-first walk over the fields of
 * type MESSAGE finds any cycle; synthetic descriptors check the walker.
 */
#include <stdio.h>
#include <string.h>

#include "proto/tallyvan.pb-c.h"
#include "tests/unit/tap.h"

#define MAXDESC 64

struct walk {
	const ProtobufCMessageDescriptor *seen[MAXDESC];
	int state[MAXDESC];	/* 1 = on the current path, 2 = done */
	int n;
	int overflow;
};

static int
slot(struct walk *w, const ProtobufCMessageDescriptor *d)
{
	int i;

	for (i = 0; i < w->n; i++)
		if (w->seen[i] == d)
			return i;
	if (w->n == MAXDESC) {
		w->overflow = 1;
		return -1;
	}
	w->seen[w->n] = d;
	w->state[w->n] = 0;
	return w->n++;
}

/* 1 if a cycle is reachable from d. */
static int
cyclic(struct walk *w, const ProtobufCMessageDescriptor *d)
{
	const ProtobufCFieldDescriptor *f;
	int i = slot(w, d), r = 0;
	unsigned j;

	if (i < 0)
		return 1;
	if (w->state[i] == 1)
		return 1;
	if (w->state[i] == 2)
		return 0;
	w->state[i] = 1;
	for (j = 0; j < d->n_fields && !r; j++) {
		f = &d->fields[j];
		if (f->type == PROTOBUF_C_TYPE_MESSAGE)
			r = cyclic(w, f->descriptor);
	}
	w->state[i] = 2;
	return r;
}

static int
check(const ProtobufCMessageDescriptor *d)
{
	struct walk w;

	memset(&w, 0, sizeof w);
	return cyclic(&w, d);
}

/* Synthetic descriptors: a self loop, a two-step loop, a diamond. */
static const ProtobufCMessageDescriptor self_d, ping_d, pong_d;
static const ProtobufCMessageDescriptor top_d, left_d, right_d, leaf_d;
static const ProtobufCFieldDescriptor self_f[] = {
	{ .name = "self", .type = PROTOBUF_C_TYPE_MESSAGE,
	  .descriptor = &self_d },
};
static const ProtobufCFieldDescriptor ping_f[] = {
	{ .name = "n", .type = PROTOBUF_C_TYPE_UINT32 },
	{ .name = "pong", .type = PROTOBUF_C_TYPE_MESSAGE,
	  .descriptor = &pong_d },
};
static const ProtobufCFieldDescriptor pong_f[] = {
	{ .name = "ping", .type = PROTOBUF_C_TYPE_MESSAGE,
	  .descriptor = &ping_d },
};
static const ProtobufCFieldDescriptor top_f[] = {
	{ .name = "l", .type = PROTOBUF_C_TYPE_MESSAGE, .descriptor = &left_d },
	{ .name = "r", .type = PROTOBUF_C_TYPE_MESSAGE, .descriptor = &right_d },
};
static const ProtobufCFieldDescriptor to_leaf_f[] = {
	{ .name = "leaf", .type = PROTOBUF_C_TYPE_MESSAGE,
	  .descriptor = &leaf_d },
};
static const ProtobufCMessageDescriptor self_d = { .name = "Self",
	.n_fields = 1, .fields = self_f };
static const ProtobufCMessageDescriptor ping_d = { .name = "Ping",
	.n_fields = 2, .fields = ping_f };
static const ProtobufCMessageDescriptor pong_d = { .name = "Pong",
	.n_fields = 1, .fields = pong_f };
static const ProtobufCMessageDescriptor top_d = { .name = "Top",
	.n_fields = 2, .fields = top_f };
static const ProtobufCMessageDescriptor left_d = { .name = "Left",
	.n_fields = 1, .fields = to_leaf_f };
static const ProtobufCMessageDescriptor right_d = { .name = "Right",
	.n_fields = 1, .fields = to_leaf_f };
static const ProtobufCMessageDescriptor leaf_d = { .name = "Leaf" };

int
main(void)
{
	static const ProtobufCMessageDescriptor *const roots[] = {
		&tallyvan__record__descriptor,
		&tallyvan__batch__descriptor,
		&tallyvan__envelope__descriptor,
		&tallyvan__cell_request__descriptor,
		&tallyvan__release_request__descriptor,
	};
	char name[128];
	size_t i;

	ok(check(&self_d), "walker finds a self loop");
	ok(check(&ping_d), "walker finds a two-step loop");
	ok(!check(&top_d), "walker accepts a diamond");
	for (i = 0; i < sizeof roots / sizeof roots[0]; i++) {
		ok(roots[i]->magic == PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
		    "generated descriptor is valid");
		snprintf(name, sizeof name, "%s reaches no recursive type",
		    roots[i]->name);
		ok(!check(roots[i]), name);
	}
	return tap_done();
}
