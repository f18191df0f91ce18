# soak-server.tcl IMPL CERTFILE KEYFILE: the server side of bench/soak.py.
# IMPL is "ours" (the build in $BENCH_LIBDIR) or a tls version to require
# exactly (e.g. 1.7.22, Debian's C TclTLS). Prints "READY port pid", then
# echoes each line on each TLS connection until the peer leaves. Ends when
# its standard input closes (the driver's end), so it never outlives it.
lassign $argv impl certfile keyfile
if {$impl eq "ours"} {
    set auto_path [linsert $auto_path 0 $env(BENCH_LIBDIR)]
    package require -exact tls 2.1.0
} else {
    package require -exact tls $impl
}

proc accept {chan host port} {
    fconfigure $chan -blocking 0 -buffering line
    fileevent $chan readable [list echo $chan]
}

proc echo {chan} {
    if {[catch {gets $chan line} n] || ($n < 0 && [eof $chan])} {
        catch {close $chan}
    } elseif {$n >= 0} {
        catch {puts $chan $line}
    }
}

set server [tls::socket -server accept -certfile $certfile -keyfile $keyfile -myaddr 127.0.0.1 0]
puts "READY [lindex [fconfigure $server -sockname] 2] [pid]"
flush stdout
fileevent stdin readable {if {[gets stdin line] < 0 && [eof stdin]} {exit 0}}
vwait forever
