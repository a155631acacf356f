package com.sikkerapi.guard.observe;

import com.sikkerapi.guard.net.Cidr;

/**
 * One dropped packet as the kernel described it: where it came from, the protocol, the destination port (-1 for
 * protocols without ports, such as ICMP), and whether it opens something: a TCP SYN without ACK, an ICMP echo
 * request, any UDP datagram (UDP has no flags: see {@link #inboundAttempt}). A blocked packet that opens nothing is
 * an answer to the node's own traffic (a SYN-ACK, an echo reply, a reset), not an attack on it.
 */
public record BlockedPacket(Cidr source, String protocol, int port, boolean opening) {
    public BlockedPacket(Cidr source, String protocol, int port) {
        this(source, protocol, port, true);
    }

    /**
     * An attempt on the node, worth reporting: it opens something, and a UDP datagram is not to a port of the
     * node's ephemeral range (where it would be the answer to a query the node sent, such as DNS).
     */
    public boolean inboundAttempt(int ephemeralFirst, int ephemeralLast) {
        return opening && !("UDP".equals(protocol) && port >= ephemeralFirst && port <= ephemeralLast);
    }
}
