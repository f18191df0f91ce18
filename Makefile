# tls for Tcl, in Swift. `make` builds build/tls/, `make test` runs every test,
# `make install` installs, `make bench` compares against the C TclTLS.
VERSION    := 2.1.0
TCLSH      ?= tclsh
TCL_CONFIG ?= $(shell TCLSH=$(TCLSH) sh scripts/tclconfig.sh)
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

.PHONY: all test swift-test tcl-test install clean bench pki
all: build/tls/pkgIndex.tcl build/tls/tls.tcl build/tls/$(LIBFILE)

build/tls/$(LIBFILE): $(SOURCES)
	@mkdir -p build/tls
	$(SWIFTENV) TLS_SHIP=1 swift build -c release --scratch-path $(RELEASE)
	cp $(RELEASE)/release/$(LIBFILE) $@

build/tls/tls.tcl: tcl/tls.tcl
	@mkdir -p build/tls
	cp $< $@

build/tls/pkgIndex.tcl: pkgIndex.tcl.in Makefile
	@mkdir -p build/tls
	sed -e 's/@VERSION@/$(VERSION)/g' -e 's/@LIBFILE@/$(LIBFILE)/g' $< > $@

# Swift tests and the tcltest suite; the last line is `N passed, N failed`.
test: all
	@TCLSH=$(TCLSH) SWIFTENV="$(SWIFTENV)" sh scripts/run-tests.sh

install: all
	mkdir -p $(PKGDIR)
	cp build/tls/pkgIndex.tcl build/tls/tls.tcl build/tls/$(LIBFILE) $(PKGDIR)/

bench: all
	@TCLSH=$(TCLSH) sh bench/run.sh

clean:
	rm -rf build $(RELEASE) .build

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
	mkdir -p $(DESTDIR)$(PREFIX)/share/man/mann
	cp build/doc/tls.n $(DESTDIR)$(PREFIX)/share/man/mann/tls.n

# The binary package for machines without Swift: tls2.1.0-linux-ARCH.tar.gz.
DIST := tls$(VERSION)-linux-$(shell uname -m).tar.gz
DIST_DIR ?= .
dist: all
	sh scripts/dist.sh $(VERSION) $(DIST_DIR)/$(DIST)
