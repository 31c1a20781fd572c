# aidants-connect: acd (the server), libac (the client library), the ac-* tools.
# Objects and binaries go to $(B) so a sanitizer build (make SAN=1 B=build-san)
# lives beside the normal one.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
B       ?= build
VERSION := 0.1.0

PKGS    := libmicrohttpd jansson liboath libpskc libxml-2.0 libsodium libcurl libqrencode sqlite3 cjose \
           cairo-pdf pangocairo libpq
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers \
           -DAC_VERSION='"$(VERSION)"' -Ilibac -Iacd -MMD -MP \
           $(shell pkg-config --cflags $(PKGS))
LDLIBS  += $(shell pkg-config --libs $(PKGS)) -lcsv -lpthread
# fontconfig's own leak as it loads, not ours: see the file
export LSAN_OPTIONS ?= suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
ifdef SAN
CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
# the objects of make fuzz (scripts/fuzz.sh): clang's coverage for libFuzzer
ifdef FUZZ
CFLAGS  += -fsanitize=fuzzer-no-link
endif

LIBAC_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard libac/*.c))
ACD_OBJ   := $(patsubst %.c,$(B)/%.o,$(filter-out acd/main.c,$(wildcard acd/*.c))) $(B)/gen/migrations.o \
             $(B)/gen/templates.o
TOOLS     := $(patsubst cmd/%.c,$(B)/bin/%,$(wildcard cmd/*.c))
UNITS     := $(patsubst tests/unit/%.c,$(B)/unit/%,$(wildcard tests/unit/*.c))
FUZZERS   := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(wildcard tests/fuzz/*.c))

all: $(B)/bin/acd $(TOOLS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

# made anew each time, so that the object of a removed source leaves it too
$(B)/libac.a: $(LIBAC_OBJ)
	@rm -f $@ && $(AR) rcs $@ $^

$(B)/libacd.a: $(ACD_OBJ)
	@rm -f $@ && $(AR) rcs $@ $^

# SQL migrations are compiled into acd so a single binary carries its schema.
$(B)/gen/migrations.c: $(sort $(wildcard acd/sql/*.sql)) scripts/embed-sql.sh
	@mkdir -p $(@D)
	scripts/embed-sql.sh $(sort $(wildcard acd/sql/*.sql)) > $@

$(B)/gen/migrations.o: $(B)/gen/migrations.c
	$(CC) $(CFLAGS) -c -o $@ $<

# So are the attestation templates: their exact text is part of every
# attestation hash (acd/templates/README).
$(B)/gen/templates.c: $(sort $(wildcard acd/templates/*.txt)) scripts/embed-templates.sh
	@mkdir -p $(@D)
	scripts/embed-templates.sh $(sort $(wildcard acd/templates/*.txt)) > $@.tmp
	@mv $@.tmp $@

$(B)/gen/templates.o: $(B)/gen/templates.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/bin/acd: $(B)/acd/main.o $(B)/libacd.a $(B)/libac.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/bin/%: $(B)/cmd/%.o $(B)/libac.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/unit/%: $(B)/tests/unit/%.o $(B)/libacd.a $(B)/libac.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# libFuzzer harnesses: built by scripts/fuzz.sh (CC=clang SAN=1 FUZZ=1)
$(B)/fuzz/%: $(B)/tests/fuzz/%.o $(B)/libacd.a $(B)/libac.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzzers: $(FUZZERS)

deps:
	@scripts/deps.sh

unit: $(UNITS)
	@set -e; for t in $(UNITS); do $$t; done

# The whole suite, and beside it the same under ASan+UBSan (scripts/check.sh).
check: deps
	$(MAKE) -j2 all unit
	$(MAKE) -j2 SAN=1 B=build-san all unit
	scripts/check.sh $(B) build-san

# Optional: the SQL acd runs, checked on a throwaway PostgreSQL cluster.
check-pg: deps all
	scripts/check-pg.sh $(B)

# libFuzzer on every parser of outside input (tests/fuzz/), FUZZ_S seconds
# each (60); make check runs each for 10 s.
fuzz: deps
	scripts/fuzz.sh

# The crash loop of tests/crash.bats at full length (make check runs 5 rounds).
crash: deps all
	CRASH_N=20 AC_SUITES=tests/crash.bats tests/run.sh $(B)

# The mixed load of make bench's part (j) at full length: 100 clients, 60 s.
load: deps all
	LOAD_SECONDS=$${LOAD_SECONDS:-60} bench/run.sh $(B) j

bench: deps all
	bench/run.sh $(B)

# make demo DB=pg: the same day on a throwaway PostgreSQL cluster.
demo: deps all
	DB=$(or $(DB),sqlite) scripts/demo.sh $(B)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(TOOLS) $(DESTDIR)$(BINDIR)
	install -m 755 $(B)/bin/acd $(DESTDIR)$(SBINDIR)
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(wildcard man/*.7) $(DESTDIR)$(MANDIR)/man7
	install -m 644 $(wildcard man/*.8) $(DESTDIR)$(MANDIR)/man8
	install -m 644 completions/ac.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ac
	for t in $(filter-out ac,$(notdir $(TOOLS))); do ln -sf ac $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$t; done
	install -m 644 completions/_ac $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_ac
	install -m 644 completions/ac.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/ac.fish
	for t in $(filter-out ac,$(notdir $(TOOLS))); do ln -sf ac.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/$$t.fish; done
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(PREFIX)/lib/sysusers.d $(DESTDIR)$(PREFIX)/share/doc/aidants-connect
	for u in dist/systemd/*.service.in; do \
	  sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@BINDIR@|$(BINDIR)|g' $$u > $(DESTDIR)$(UNITDIR)/$$(basename $$u .in) && \
	  chmod 644 $(DESTDIR)$(UNITDIR)/$$(basename $$u .in); done
	install -m 644 dist/systemd/*.timer $(DESTDIR)$(UNITDIR)
	install -m 644 dist/systemd/acd.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/acd.conf
	install -m 644 dist/systemd/acd.conf.example $(DESTDIR)$(PREFIX)/share/doc/aidants-connect/acd.conf.example

clean:
	rm -rf build build-san build-fuzz

.PHONY: all deps unit fuzzers check check-pg fuzz crash load bench demo install clean
.SECONDARY:
-include $(shell find $(B) -name '*.d' 2>/dev/null)
