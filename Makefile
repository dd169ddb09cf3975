# SPDX-License-Identifier: MIT
# tallyvan - one non-recursive Makefile.
#
#   make demo      install the missing packages the demo needs
#                  (tools/deps.d/demo.list), build its four programs, run
#                  the seed-article demo
#   make check     install missing packages (every tools/deps.d list, and
#                  playwright-core from npm), build everything, run every test
#   make debian12-proof   both commands in a fresh Debian 12 chroot
#                  (tools/debian12-proof.sh; docs/testing.md)
#   make SAN=1 check   the same under ASan+UBSan (objects in build-san/)
#   make install   the three programs, their man pages and bash completion
#                  (generated from their command tables), the systemd units
#                  of contrib/systemd/; PREFIX (/usr/local), DESTDIR
#   make uninstall the same files removed
#   make V=1 ...   show the commands

CC      ?= cc
CFLAGS  ?= -O2 -g
WERROR  ?= -Werror
CFLAGS  += -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	   -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla \
	   -Wno-missing-field-initializers $(WERROR) -MMD -MP -I. -I$(B)
PKGS     = libsodium libzstd libprotobuf-c jansson pwquality
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -llmdb -lunistring \
	   -lcsv -ldecaf -lpthread -lm
# libdecaf-dev ships no .pc file; its headers include <decaf/common.h>.
DECAF_CFLAGS ?= -I/usr/include/decaf
Q        = $(if $(filter 1,$(V)),,@)
# The one place the version is written (common/util.c's tv_version, man
# pages).
VERSION := $(shell cat VERSION)

ifeq ($(SAN),1)
B       ?= build-san
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
B       ?= build
endif

PROTO    = proto/tallyvan.proto
PB_C     = $(B)/proto/tallyvan.pb-c.c
PB_H     = $(B)/proto/tallyvan.pb-c.h

LIB_SRC  = $(wildcard crypto/*.c proto/*.c release/*.c)
COM_SRC  = $(wildcard common/*.c)
COL_SRC  = $(wildcard collector/*.c)
AGG_SRC  = $(wildcard aggregator/*.c)
TRU_SRC  = $(wildcard trustee/*.c)
TEST_SRC = $(wildcard tests/unit/t_*.c)

LIB_OBJ  = $(LIB_SRC:%.c=$(B)/%.o) $(B)/proto/tallyvan.pb-c.o
COM_OBJ  = $(COM_SRC:%.c=$(B)/%.o)
LIB      = $(B)/libtallyvan.a
PROGS    = $(B)/bin/collector $(B)/bin/aggregator $(B)/bin/trustee $(B)/bin/scenario
TESTS    = $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all deps deps-demo demo demo-build check test bench clean lint \
	debian12-proof install uninstall man
.SUFFIXES:

# Optional parts (fuzzers, benchmarks, fault tests) add targets and append
# to EXTRA (built by all) in mk/*.mk.
EXTRA    =
.DEFAULT_GOAL := all
-include $(wildcard mk/*.mk)

all: $(PROGS) $(TESTS) $(EXTRA)

deps:
	$(Q)sh tools/deps.sh test

deps-demo:
	$(Q)sh tools/deps.sh demo

# The demo builds only what it runs: the library and the four programs.
demo-build: $(PROGS)

demo: deps-demo
	$(Q)$(MAKE) --no-print-directory demo-build
	$(Q)B=$(B) sh tools/demo.sh

# DEBIAN12_CHECK=0 runs make demo only (make check takes > 15 min there).
debian12-proof:
	$(Q)sh tools/debian12-proof.sh

check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory lint
	$(Q)B=$(B) sh tests/run.sh

test: all
	$(Q)B=$(B) sh tests/run.sh

$(PB_C) $(PB_H): $(PROTO)
	@mkdir -p $(B)/proto
	$(Q)protoc-c --c_out=$(B) $(PROTO)

$(B)/%.o: %.c | $(PB_H)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(B)/common/util.o: CFLAGS += -DTV_VERSION='"$(VERSION)"'
$(B)/common/util.o: VERSION
# Only crypto/gpoint.c includes libdecaf (crypto/gpoint.h is opaque).
$(B)/crypto/gpoint.o: CFLAGS += $(DECAF_CFLAGS)
$(B)/tests/unit/t_gpoint.o: CFLAGS += $(DECAF_CFLAGS)	# the raw decoder

$(B)/proto/tallyvan.pb-c.o: $(PB_C)
	@echo "  CC      $<"
	$(Q)$(CC) $(filter-out $(WERROR) -Wshadow,$(CFLAGS)) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/bin/collector: $(COL_SRC:%.c=$(B)/%.o) $(COM_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcurl -lmicrohttpd

$(B)/bin/aggregator: $(AGG_SRC:%.c=$(B)/%.o) $(COM_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lmicrohttpd

$(B)/bin/trustee: $(TRU_SRC:%.c=$(B)/%.o) $(COM_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/bin/scenario: $(B)/tools/scenario.o $(COM_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: $(B)/tests/unit/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Installation.  Man pages and completion are generated from what the
# programs print (their command tables, each command's usage()), by
# tools/manpage.sh and tools/completion.sh: the help text is written once.
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
COMPDIR  = $(PREFIX)/share/bash-completion/completions
UNITDIR  = $(PREFIX)/lib/systemd/system
INSTALL ?= install
INST     = collector aggregator trustee
MANS     = $(INST:%=$(B)/man/%.1)
COMPS    = $(INST:%=$(B)/completion/%)
UNITS    = $(notdir $(wildcard contrib/systemd/*.service))

man: $(MANS) $(COMPS)

$(B)/man/%.1: $(B)/bin/% tools/manpage.sh VERSION
	@mkdir -p $(dir $@)
	@echo "  MAN     $@"
	$(Q)sh tools/manpage.sh $< $(VERSION) >$@.tmp && mv $@.tmp $@

$(B)/completion/%: $(B)/bin/% tools/completion.sh
	@mkdir -p $(dir $@)
	@echo "  COMPL   $@"
	$(Q)sh tools/completion.sh $< >$@.tmp && bash -n $@.tmp && mv $@.tmp $@

$(B)/systemd/%.service: contrib/systemd/%.service
	@mkdir -p $(dir $@)
	$(Q)sed 's|@bindir@|$(BINDIR)|g' $< >$@.tmp && mv $@.tmp $@

# The units carry BINDIR: made again at every install (PREFIX may differ).
install: $(INST:%=$(B)/bin/%) $(MANS) $(COMPS)
	$(Q)rm -rf $(B)/systemd
	$(Q)$(MAKE) --no-print-directory $(UNITS:%=$(B)/systemd/%)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(COMPDIR) $(DESTDIR)$(UNITDIR)
	$(INSTALL) -m 0755 $(INST:%=$(B)/bin/%) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 $(MANS) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 0644 $(COMPS) $(DESTDIR)$(COMPDIR)/
	$(INSTALL) -m 0644 $(UNITS:%=$(B)/systemd/%) $(DESTDIR)$(UNITDIR)/

uninstall:
	rm -f $(INST:%=$(DESTDIR)$(BINDIR)/%) \
		$(INST:%=$(DESTDIR)$(MANDIR)/man1/%.1) \
		$(INST:%=$(DESTDIR)$(COMPDIR)/%) \
		$(UNITS:%=$(DESTDIR)$(UNITDIR)/%)

# The library never prints or exits: only the programs decide that.
lint:
	$(Q)! grep -nE '\b(exit|abort|printf|puts|perror|fprintf)[[:space:]]*\(' \
		crypto/*.c proto/*.c release/*.c || { echo "library prints or exits"; exit 1; }
	$(Q)! grep -nE '\b(die|error|warn|xmalloc|xcalloc|xrealloc|xstrdup)\(|include "common/' \
		crypto/*.[ch] proto/*.[ch] release/*.[ch] || \
		{ echo "library uses the programs' die/error/x* (common/)"; exit 1; }
	$(Q)! grep -nE 'MDB_(NOSYNC|WRITEMAP|MAPASYNC|NOMETASYNC)' \
		crypto/*.c proto/*.c collector/*.c aggregator/*.c trustee/*.c \
		|| { echo "forbidden LMDB durability flag"; exit 1; }

clean:
	rm -rf build build-san

-include $(shell find $(B) -name '*.d' 2>/dev/null)

