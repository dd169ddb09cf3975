# SPDX-License-Identifier: MIT
# Fuzzing (docs/testing.md).
#
#   make fuzz          build the libFuzzer targets and run each for
#                      FUZZ_SECONDS (default 60), FUZZ_JOBS (2) at a time
#   make fuzz-build    only build them (clang, -fsanitize=fuzzer,address,
#                      undefined, against protobuf-c built with the same
#                      flags from Debian's source package, fetched into
#                      $(FZ)/protobuf-c by tests/fuzz/protobuf-c.sh)
#   make fuzz-merge    minimise the corpora grown by `make fuzz` back into
#                      tests/fuzz/corpus (the nightly job)
#   make fuzz-seeds    regenerate tests/fuzz/data/campaign.json and the seeds
#
# `make all` builds only $(B)/fuzz/replay_<target>: the same targets linked
# with tests/fuzz/replay.c, which tests/cli/fuzz_replay.sh runs over the
# committed corpora with the project's compiler (and sanitizers with SAN=1).

FUZZ_TARGETS  = envelope batch zstd ingest plan csv keyfile cert request statement \
		history release
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 2
FUZZ_CC      ?= clang
FZ            = $(B)/libfuzzer
FUZZ_DATA_DEF = -DFUZZ_DATA_DIR='"$(CURDIR)/tests/fuzz/data"'

# Program code a target links besides the library.
FUZZ_EXTRA_ingest = aggregator/ingest.c aggregator/server.c aggregator/audit.c \
		    common/util.c
FUZZ_EXTRA_csv    = collector/csvimport.c collector/visit.c \
		    collector/capture.c collector/history.c collector/device.c \
		    common/util.c

REPLAYS = $(FUZZ_TARGETS:%=$(B)/fuzz/replay_%)
EXTRA  += $(REPLAYS)

.PHONY: fuzz fuzz-build fuzz-merge fuzz-seeds

$(B)/tests/fuzz/%.o: CFLAGS += $(FUZZ_DATA_DEF)

define fuzz_replay_rule
$(B)/fuzz/replay_$(1): $(B)/tests/fuzz/fuzz_$(1).o $(B)/tests/fuzz/fuzz.o \
    $(B)/tests/fuzz/replay.o $(FUZZ_EXTRA_$(1):%.c=$(B)/%.o) $(LIB)
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	$(Q)$(CC) $(LDFLAGS) -o $$@ $$^ $(LDLIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_replay_rule,$(t))))

$(B)/fuzz/mkseeds: $(B)/tests/fuzz/mkseeds.o $(B)/tests/fuzz/fuzz.o $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# ---- libFuzzer builds ------------------------------------------------------

PBC_DIR   = $(FZ)/protobuf-c
PBC_SRC   = $(PBC_DIR)/protobuf-c/protobuf-c.c
FUZZ_SAN  = -fsanitize=address,undefined
FUZZ_CFLAGS = -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 \
	      -fno-omit-frame-pointer -I$(PBC_DIR) -I. -I$(B) \
	      $(FUZZ_DATA_DEF) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP
FUZZ_LDLIBS = $(filter-out -lprotobuf-c,$(LDLIBS))
FUZZ_LIB_OBJ = $(LIB_SRC:%.c=$(FZ)/obj/%.o) $(FZ)/obj/proto/tallyvan.pb-c.o \
	       $(FZ)/obj/protobuf-c.o

$(PBC_SRC):
	$(Q)sh tests/fuzz/protobuf-c.sh $(PBC_DIR)

$(FZ)/obj/%.o: %.c | $(PB_H) $(PBC_SRC)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

# Only crypto/gpoint.c includes libdecaf (Makefile: DECAF_CFLAGS).
$(FZ)/obj/crypto/gpoint.o: FUZZ_CFLAGS += $(DECAF_CFLAGS)

$(FZ)/obj/proto/tallyvan.pb-c.o: $(PB_C) | $(PBC_SRC)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

# Debian's protobuf-c, instrumented like the rest: without it the fuzzer
# is nearly blind inside unpack().
$(FZ)/obj/protobuf-c.o: $(PBC_SRC)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -w -c -o $@ $<

define fuzz_bin_rule
$(FZ)/fuzz_$(1): $(FZ)/obj/tests/fuzz/fuzz_$(1).o $(FZ)/obj/tests/fuzz/fuzz.o \
    $(FUZZ_EXTRA_$(1):%.c=$(FZ)/obj/%.o) $(FUZZ_LIB_OBJ)
	@echo "  FUZZLD  $$@"
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $$@ $$^ $(FUZZ_LDLIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_bin_rule,$(t))))

fuzz-build: $(FUZZ_TARGETS:%=$(FZ)/fuzz_%)

fuzz: fuzz-build
	$(Q)FZ=$(FZ) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) \
		sh tests/fuzz/run.sh $(FUZZ_TARGETS)

fuzz-merge: fuzz-build
	$(Q)for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FZ)/merged/$$t && \
		$(FZ)/fuzz_$$t -merge=1 -max_len=65536 -rss_limit_mb=512 \
			$(FZ)/merged/$$t tests/fuzz/corpus/$$t $(FZ)/corpus/$$t \
			>$(FZ)/merge-$$t.log 2>&1 || exit 1; \
		rm -f tests/fuzz/corpus/$$t/* && \
		cp $(FZ)/merged/$$t/* tests/fuzz/corpus/$$t/ && \
		echo "fuzz_$$t: $$(ls tests/fuzz/corpus/$$t | wc -l) inputs"; \
	done

fuzz-seeds: $(B)/fuzz/mkseeds $(B)/bin/trustee $(B)/bin/scenario
	$(Q)B=$(B) sh tests/fuzz/mkseeds.sh
