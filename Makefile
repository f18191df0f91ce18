# tls for Tcl, in Swift. `make` builds build/tls/, `make test` runs every test,
# `make install` installs (`make uninstall` removes it), `make bench` compares against the C TclTLS.
VERSION    := 2.1.0
TCLSH      ?= tclsh
TCL_CONFIG ?= $(shell TCLSH=$(TCLSH) sh scripts/tclconfig.sh 8)
tclvar      = $(shell . $(TCL_CONFIG) && eval echo "$$$(1)")

TCL_INCLUDE_DIR := $(patsubst -I%,%,$(firstword $(call tclvar,TCL_INCLUDE_SPEC)))
TCL_STUB_LIB    := $(call tclvar,TCL_STUB_LIB_PATH)
TCL_LIB_DIR     := $(patsubst -L%,%,$(firstword $(call tclvar,TCL_LIB_SPEC)))
TCL_PREFIX      := $(call tclvar,TCL_PREFIX)
PREFIX          ?= $(if $(TCL_PREFIX),$(TCL_PREFIX),/usr/local)
PKGDIR          := $(DESTDIR)$(PREFIX)/lib/tls$(VERSION)

LIBFILE  := libtls.so
SWIFTENV := TLS_TCL_INCLUDE=$(TCL_INCLUDE_DIR) TLS_TCL_STUBLIB=$(TCL_STUB_LIB) TLS_TCL_LIBDIR=$(TCL_LIB_DIR)
RELEASE  := .build-release
SOURCES  := Package.swift $(wildcard Sources/*/*.swift Sources/*/*.h Sources/*/*.modulemap)

# Tcl 9: the same sources built against Tcl 9's tcl.h and stub library (named
# by full path, so the 8.6 ones in /usr are not picked up), into a second
# library beside the first. TCL9_CONFIG=<Tcl 9's tclConfig.sh>; by default the
# Tcl 9 that scripts/tcl9.sh builds, if it is there; TCL9_CONFIG= to leave it out.
TCL9_PREFIX ?= /opt/tcl9
ifeq ($(origin TCL9_CONFIG),undefined)
TCL9_CONFIG := $(shell TCLSH=$(TCLSH) TCL9_PREFIX=$(TCL9_PREFIX) sh scripts/tclconfig.sh 9)
endif
LIBFILE9 := libtcl9tls.so
ifneq ($(TCL9_CONFIG),)
tcl9var   = $(shell . $(TCL9_CONFIG) && eval echo "$$$(1)")
TCL9_INCLUDE_DIR := $(patsubst -I%,%,$(firstword $(call tcl9var,TCL_INCLUDE_SPEC)))
TCL9_STUB_LIB    := $(call tcl9var,TCL_STUB_LIB_PATH)
TCLSH9           := $(call tcl9var,TCL_EXEC_PREFIX)/bin/tclsh$(call tcl9var,TCL_VERSION)
PKGDIR9          := $(DESTDIR)$(call tcl9var,TCL_PREFIX)/lib/tls$(VERSION)
SWIFTENV9 := TLS_TCL_INCLUDE=$(TCL9_INCLUDE_DIR) TLS_TCL_STUBLIB=$(TCL9_STUB_LIB) TLS_TCL_LIBDIR=$(dir $(TCL9_STUB_LIB))
LIB9     := build/tls/$(LIBFILE9)
endif
RELEASE9 := .build-release9

.PHONY: all test swift-test tcl-test install uninstall clean bench pki compat
all: build/tls/pkgIndex.tcl build/tls/tls.tcl build/tls/$(LIBFILE) $(LIB9)

build/tls/$(LIBFILE): $(SOURCES)
	@mkdir -p build/tls
	$(SWIFTENV) TLS_SHIP=1 swift build -c release --scratch-path $(RELEASE)
	cp $(RELEASE)/release/$(LIBFILE) $@

ifneq ($(TCL9_CONFIG),)
build/tls/$(LIBFILE9): $(SOURCES)
	@mkdir -p build/tls
	$(SWIFTENV9) TLS_SHIP=1 swift build -c release --scratch-path $(RELEASE9)
	cp $(RELEASE9)/release/$(LIBFILE) $@
endif

build/tls/tls.tcl: tcl/tls.tcl
	@mkdir -p build/tls
	cp $< $@

build/tls/pkgIndex.tcl: pkgIndex.tcl.in Makefile
	@mkdir -p build/tls
	sed -e 's/@VERSION@/$(VERSION)/g' -e 's/@LIBFILE@/$(LIBFILE)/g' -e 's/@LIBFILE9@/$(LIBFILE9)/g' $< > $@

# Swift tests and the tcltest suite; the last line is `N passed, N failed`.
test: all
	@TCLSH=$(TCLSH) TCLSH9=$(TCLSH9) SWIFTENV="$(SWIFTENV)" sh scripts/run-tests.sh

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer
# (Tcl 8.6 and 9); `make fuzz SECONDS=3600` runs the fuzzers that long
# (scripts/fuzz/run.sh says what else it takes: FUZZ_SEEDS, FUZZ_JOBS, ...).
.PHONY: sanitize fuzz
SANITIZE_ENV = TCLSH=$(TCLSH) TCLSH9=$(TCLSH9) TCL9_INCLUDE=$(TCL9_INCLUDE_DIR) TCL9_STUBLIB=$(TCL9_STUB_LIB) SWIFTENV="$(SWIFTENV)"
sanitize: all
	@$(SANITIZE_ENV) sh scripts/sanitize.sh
SECONDS ?= 300
fuzz: all
	@$(SANITIZE_ENV) SECONDS_BUDGET=$(SECONDS) sh scripts/fuzz/run.sh

# The package directory (or two: Tcl 9's own library too, when it has a prefix
# of its own and PREFIX was not given) that install writes and uninstall removes.
PKGDIRS := $(PKGDIR)
ifneq ($(TCL9_CONFIG),)
ifeq ($(origin PREFIX),file)
ifneq ($(PKGDIR9),$(PKGDIR))
PKGDIRS += $(PKGDIR9)
endif
endif
endif
MANPAGE := $(DESTDIR)$(PREFIX)/share/man/mann/tls.n

install: all
	for dir in $(PKGDIRS); do \
	  mkdir -p $$dir && cp build/tls/pkgIndex.tcl build/tls/tls.tcl build/tls/$(LIBFILE) $(LIB9) $$dir/ || exit 1; \
	done

uninstall:
	rm -rf $(PKGDIRS)
	rm -f $(MANPAGE)

# The differential harness: the same scenarios against this package, TclTLS
# 2.0.1 (built by scripts/tcltls201.sh when its source is there) and Debian's
# 1.7.22; prints every difference and fails on one not in scripts/compat/intended.txt.
compat: all
	TCLSH9=$(TCLSH9) $(TCLSH) scripts/compat/run.tcl -check

bench: all
	@TCLSH=$(TCLSH) TCLSH9=$(TCLSH9) sh bench/run.sh

clean:
	rm -rf build $(RELEASE) $(RELEASE9) .build .build-asan .build-asan9 .build-fuzz

# The manual: build/doc/tls.n and tls.html from doc/tls.man (dtplite from
# tcllib; without it the committed doc/tls.n and doc/tls.html are copied).
# `make doc` refreshes the committed ones.
.PHONY: doc install-doc dist
all: build/doc/tls.n build/doc/tls.html
build/doc/tls.n: doc/tls.man doc/generate.sh doc/tls.n
	sh doc/generate.sh nroff $@
build/doc/tls.html: doc/tls.man doc/generate.sh doc/tls.html
	sh doc/generate.sh html $@
doc:
	sh doc/generate.sh nroff doc/tls.n
	sh doc/generate.sh html doc/tls.html
install: install-doc
install-doc: build/doc/tls.n
	mkdir -p $(dir $(MANPAGE))
	cp build/doc/tls.n $(MANPAGE)

# The binary package for machines without Swift: tls2.1.0-linux-ARCH.tar.gz.
DIST := tls$(VERSION)-linux-$(shell uname -m).tar.gz
DIST_DIR ?= .
dist: all
	sh scripts/dist.sh $(VERSION) $(DIST_DIR)/$(DIST)
