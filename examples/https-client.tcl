#!/usr/bin/env tclsh
# An HTTPS client with Tcl's http package.
#
#   tclsh https-client.tcl URL ?CAFILE?
#
# Prints the response body to stdout and the status to stderr; exits 1 on
# an error. The server's certificate is verified (chain and host name)
# against CAFILE, or against the system's trusted CAs without it.
package require http
package require tls

lassign $argv url cafile
if {$url eq ""} {
    puts stderr "usage: tclsh https-client.tcl URL ?CAFILE?"
    exit 2
}

# Every https:// URL now goes through tls::socket. Extra options are passed
# on to it for each connection; with none, tls uses OpenSSL's default store.
set options {}
if {$cafile ne ""} {
    lappend options -cafile $cafile
}
http::register https 443 [list tls::socket {*}$options]

if {[catch {http::geturl $url -timeout 30000 -binary 1} token]} {
    # Connection or TLS errors (e.g. "certificate verify failed") land here.
    puts stderr "error: $token"
    exit 1
}
set status [http::status $token]
set code [http::ncode $token]
if {$status ne "ok"} {
    puts stderr "error: $status [http::error $token]"
    exit 1
}
puts stderr "HTTP $code, [string length [http::data $token]] bytes"
fconfigure stdout -translation binary
puts -nonewline [http::data $token]
http::cleanup $token
exit [expr {$code >= 400}]
