/* SPDX-License-Identifier: MIT */
/*
 * noise_load.h - the trustees' noise files, read by every program that
 * needs them (trustee release and verify, aggregator publish).  The format
 * and its checks are the library's (proto/noise_file.h); this reads the
 * files and says which one is wrong.
 */
#ifndef TV_NOISE_LOAD_H
#define TV_NOISE_LOAD_H

#include <stdint.h>

#include "proto/noise_file.h"

/* Load, check and add the n contributions at paths into ns, then add them
 * to the n cells' sums; dies naming the file at the first problem. */
void noise_load_apply(struct tv_noise_set *ns, char *const *paths,
    uint32_t n, const struct tv_campaign *c, const struct tv_request *req,
    const uint8_t reqhash[32], struct tv_cell *cells);

#endif
