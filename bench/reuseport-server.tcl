# One server process of the reuseport workload (bench/reuseport.tcl): a
# tls::socket HTTPS server on `port` with -reuseport (Tcl 9) and shared
# -ticketkeys, answering each request with a small page and closing.
#
#   tclsh9.0 reuseport-server.tcl port P libdir DIR version V cert C key K ticketkeys F
#
# Prints "listening PORT" once it accepts connections.
array set opt $argv
set auto_path [linsert $auto_path 0 $opt(libdir)]
package require -exact tls $opt(version)
fconfigure stdout -buffering line

proc accept {chan host port} {
    fconfigure $chan -blocking 0 -translation {auto crlf} -buffering full
    fileevent $chan readable [list request $chan]
}

proc request {chan} {
    if {[catch {gets $chan line} n] || ($n < 0 && [eof $chan])} {
        catch {close $chan}
        return
    }
    if {$n != 0} {
        return  ;# the request line and headers, up to the blank line
    }
    fileevent $chan readable {}
    puts -nonewline $chan "HTTP/1.0 200 OK\nContent-Type: text/plain\nContent-Length: 6\n\nhello\n"
    catch {flush $chan}
    catch {close $chan}
}

set s [tls::socket -server accept -reuseport 1 -reuseaddr 1 -myaddr 127.0.0.1 \
           -certfile $opt(cert) -keyfile $opt(key) -ticketkeys $opt(ticketkeys) $opt(port)]
puts "listening [lindex [fconfigure $s -sockname] 2]"
vwait forever
