package com.sikkerapi.guard.observe;

import com.sikkerapi.guard.net.Cidr;

/**
 * One dropped packet as the kernel described it: where it came from, the protocol, and the destination port (-1 for
 * protocols without ports, such as ICMP).
 */
public record BlockedPacket(Cidr source, String protocol, int port) {
}
