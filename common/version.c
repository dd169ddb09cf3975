/* SPDX-License-Identifier: MIT */
/* The version of the three programs: the VERSION file at the top of the
 * tree, passed by the Makefile as TV_VERSION (the one place it is
 * written; the man pages take it from there too). */
#include "common/util.h"

#ifndef TV_VERSION
#error "TV_VERSION is set by the Makefile from the VERSION file"
#endif

const char tv_version[] = TV_VERSION;
