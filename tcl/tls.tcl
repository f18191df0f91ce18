# The Tcl half of the tls package: tls::socket, tls::init, and the reference
# callbacks. The commands that move bytes (tls::import and friends) are in the
# Swift library, which is loaded before this file is sourced; it also sets
# ::tls::importOptions, the option names tls::import accepts.

namespace eval ::tls {
    variable debug 0
    # Default options for tls::socket, set by tls::init.
    variable defaults {}
    # Options of tls::socket that belong to the core socket command.
    variable socketValueOptions {-myaddr -myport}
    variable socketFlagOptions {-async}
    # Options of the core socket command for servers only, passed on where
    # the running Tcl's socket has them (Tcl 9), refused where not.
    variable serverSocketOptions {-reuseaddr -reuseport}
    # Options only tls::socket understands.
    variable ownOptions {-autoservername -server}
    namespace export socket init import unimport handshake status connection \
        ciphers protocols version starttls unstack shutdown misc
}

# Remembers default options for later tls::socket calls.
proc ::tls::init {args} {
    variable defaults
    foreach {option value} $args {
        CheckOption $option all
    }
    if {[llength $args] % 2} {
        return -code error "\"[lindex $args end]\" option must be followed by value"
    }
    set defaults $args
    return
}

# Every option tls::socket and tls::init accept, in the order the error
# message lists them, and the same as a dict for lookups; servers take all
# but the client's socket options. Made once: ::tls::importOptions is set
# before this file is sourced.
namespace eval ::tls {
    variable knownOptions {}
    variable knownServerOptions {}
    foreach name [concat $socketFlagOptions $socketValueOptions $serverSocketOptions $ownOptions $importOptions] {
        dict set knownOptions $name {}
        if {$name ni {-async -myport}} {
            dict set knownServerOptions $name {}
        }
    }
    unset -nocomplain name
}

# Raises Tcl's usual error for an option that neither socket nor tls::import
# knows (or that a server does not take, when server is 1).
proc ::tls::CheckOption {option {server 0}} {
    variable knownOptions
    variable knownServerOptions
    set table [expr {$server eq "1" ? $knownServerOptions : $knownOptions}]
    if {![dict exists $table $option]} {
        set known [dict keys $table]
        set last [lindex $known end]
        return -code error -errorcode [list TLS OPTION $option] \
            "bad option \"$option\": must be one of [join [lrange $known 0 end-1] {, }], or $last"
    }

}

# Refuses a server socket option the running Tcl's socket command lacks
# (-reuseaddr and -reuseport came with Tcl 9). The core's own error message
# for an unknown option lists the ones it has; asking it opens nothing.
proc ::tls::CheckSocketOption {option} {
    variable coreServerOptions
    if {![info exists coreServerOptions]} {
        catch {::socket -server {} -tls-probe 1 0} message
        set coreServerOptions [regexp -all -inline -- {-[a-z]+} [lindex [split $message :] end]]
    }
    if {$option ni $coreServerOptions} {
        return -code error -errorcode [list TLS OPTION $option] \
            "option \"$option\" needs Tcl 9: the socket command of Tcl [info patchlevel] has no $option"
    }
}

# tls::socket ?options? host port
# tls::socket -server command ?options? port
proc ::tls::socket {args} {
    variable defaults
    variable socketValueOptions
    variable socketFlagOptions
    variable serverSocketOptions

    # Options (each with its value, but for the flags) come first, then the
    # host and port: read them left to right, like the core socket command.
    # Each option is checked as it comes (against the server's list when
    # -server is among them), as TclTLS does: an unknown one is reported
    # even when the host or port is missing.
    # (Values are only ever handled as list elements: a -session_id or -cert
    # value is binary, and a string form of it would be costly.)
    set server [expr {[lsearch -exact $args -server] >= 0}]
    set given {}
    set i 0
    while {$i < [llength $args] && [string match -* [lindex $args $i]]} {
        set option [lindex $args $i]
        CheckOption $option $server
        if {$option in $socketFlagOptions} {
            lappend given $option {}
            incr i
            continue
        }
        if {$i + 1 >= [llength $args]} {
            if {$option eq "-server"} {
                break
            }
            return -code error "\"$option\" option must be followed by value"
        }
        lappend given $option [lindex $args [expr {$i + 1}]]
        incr i 2
    }
    set fixed [lrange $args $i end]
    if {[string match -* [lindex $fixed 0]] || [llength $fixed] != ($server ? 1 : 2)} {
        if {$server} {
            return -code error -errorcode {TCL WRONGARGS} \
                "wrong # args: should be \"tls::socket -server command ?options? port\""
        }
        return -code error -errorcode {TCL WRONGARGS} \
            "wrong # args: should be \"tls::socket ?options? host port\""
    }

    # Defaults first, so that this call's options win; -server only counts
    # when given here.
    set socketOptions {}
    set importOptions {}
    set autoservername 1
    set servername {}
    set callback {}
    set async 0
    set all {}
    foreach {option value} $defaults {
        # A client's socket options among the defaults do not stop servers,
        # nor a server's clients.
        if {$option ne "-server" && !($server && $option in {-async -myport})
                && !(!$server && $option in $serverSocketOptions)} {
            lappend all $option $value
        }
    }
    foreach {option value} [list {*}$all {*}$given] {
        if {$option in $socketFlagOptions} {
            set async 1
            continue
        }
        switch -- $option {
            -server {
                set callback $value
            }
            -autoservername {
                if {![string is boolean -strict $value]} {
                    return -code error "expected boolean value but got \"$value\""
                }
                set autoservername $value
            }
            -servername {
                set servername $value
            }
            -reuseaddr - -reuseport {
                if {!$server} {
                    return -code error -errorcode [list TLS OPTION $option] \
                        "bad option \"$option\": not valid for clients"
                }
                CheckSocketOption $option
                dict set socketOptions $option $value
            }
            default {
                if {$option in $socketValueOptions} {
                    dict set socketOptions $option $value
                } else {
                    dict set importOptions $option $value
                }
            }
        }
    }

    # Sockets made here send each TLS record at once (TCP_NODELAY).
    if {![dict exists $importOptions -nodelay]} {
        dict set importOptions -nodelay 1
    }

    if {$server} {
        set port [lindex $fixed 0]
        # What the server's context needs (certificate, key, CAs, DH
        # parameters, ciphers) is checked now, with tls::import's messages;
        # the first connection reuses the context made here.
        ::tls::PrepareServer {*}$importOptions
        set accept [list ::tls::Accept $importOptions $callback]
        return [::socket -server $accept {*}$socketOptions $port]
    }

    lassign $fixed host port
    if {$servername eq "" && $autoservername} {
        set servername $host
    }
    if {$servername ne ""} {
        dict set importOptions -servername $servername
    }
    set flags [expr {$async ? {-async} : {}}]
    set chan [::socket {*}$flags {*}$socketOptions $host $port]
    if {[catch {::tls::import $chan {*}$importOptions} message options]} {
        catch {close $chan}
        return -options $options $message
    }
    return $chan
}

# Accept callback of a tls::socket server: stack TLS (server side) on the new
# connection, then hand it to the script's own callback. When TLS cannot be
# stacked (a file of the server's changed since it started listening), the
# connection is closed and the reason goes to bgerror, once per connection.
proc ::tls::Accept {importOptions callback chan host port} {
    if {[catch {::tls::import $chan -server 1 {*}$importOptions} message options]} {
        catch {close $chan}
        return -code error -errorcode [dict get $options -errorcode] \
            "tls::socket: could not start TLS on $chan from $host:$port: $message"
    }
    uplevel #0 $callback [list $chan $host $port]
}

# (Half-close of TLS channels, `close $chan write`, goes through the core
# close and chan close themselves: see CloseCommand.swift.)

# Writes a message to stderr when tls::debug is at least level.
proc ::tls::log {level message} {
    variable debug
    if {$debug >= $level} {
        puts stderr $message
    }
}

# Reference -command callback: logs each notification according to tls::debug.
proc ::tls::callback {option args} {
    variable debug
    switch -- $option {
        error {
            lassign $args chan message
            log 0 "TLS/$chan: error: $message"
        }
        info {
            lassign $args chan major minor message type
            if {$type eq "info"} {
                log 2 "TLS/$chan: $major/$minor: $message"
            } else {
                log 1 "TLS/$chan: $major/$minor: $message ($type)"
            }
        }
        message {
            lassign $args chan direction version contentType message
            log 3 "TLS/$chan: $direction $version $contentType: $message"
        }
        session {
            lassign $args chan sessionId ticket lifetime
            log 2 "TLS/$chan: session: lifetime $lifetime"
        }
        verify {
            # Older scripts used -command for verification too.
            return [validate_command verify {*}$args]
        }
        default {
            return -code error "bad option \"$option\": must be one of error, info, message, session, or verify"
        }
    }
    return
}

# Reference -validatecommand callback: logs, and keeps OpenSSL's verdict
# (or accepts everything when tls::debug is above 0).
proc ::tls::validate_command {option args} {
    variable debug
    switch -- $option {
        verify {
            lassign $args chan depth cert status error
            set subject [expr {[dict exists $cert subject] ? [dict get $cert subject] : ""}]
            if {$status} {
                log 2 "TLS/$chan: verify/$depth: $subject"
            } else {
                log 1 "TLS/$chan: verify/$depth: bad certificate: $error ($subject)"
            }
            if {$debug > 0} {
                return 1
            }
            return $status
        }
        alpn {
            lassign $args chan protocol match
            log 2 "TLS/$chan: alpn: $protocol (match $match)"
        }
        hello - sni {
            lassign $args chan servername
            log 2 "TLS/$chan: $option: $servername"
        }
        default {
            return -code error "bad option \"$option\": must be one of alpn, hello, sni, or verify"
        }
    }
    return 1
}

# Reference -password callback: there is no password to give.
proc ::tls::password {args} {
    log 0 "TLS/password: no -password callback is set for an encrypted key"
    return ""
}
