# SPDX-License-Identifier: MIT
# The counsellors' browser form (collector serve, collector/form*.c): its
# stylesheet and icon are embedded in the collector as generated C arrays,
# so it serves only its own assets, with no file to install.
#
#   make bench-form   p50/p95 server time per visit captured through the form

FORM_ASSETS = $(sort $(wildcard collector/web/*.css collector/web/*.js \
		collector/web/*.svg))
FORM_GEN    = $(B)/gen/form_assets.c

$(FORM_GEN): $(FORM_ASSETS) collector/web/embed.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)sh collector/web/embed.sh $(FORM_ASSETS) >$@.tmp && mv $@.tmp $@

$(B)/gen/form_assets.o: $(FORM_GEN)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(B)/bin/collector: $(B)/gen/form_assets.o

.PHONY: bench-form
bench-form: $(B)/bin/collector
	$(Q)B=$(B) sh tools/bench_form.sh
