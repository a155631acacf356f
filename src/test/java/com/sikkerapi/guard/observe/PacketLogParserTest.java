package com.sikkerapi.guard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.net.Cidr;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kernel log lines as /dev/kmsg, syslog and ulogd's LOGEMU write them (recorded from real kernels). */
class PacketLogParserTest {
    private static final String PREFIX = "SG-a3b5be4a9b28 ";
    private final PacketLogParser parser = new PacketLogParser(PREFIX);

    @Test
    void readsIpv4TcpFromKmsg() {
        String line = "4,10431,3412893117,-;SG-a3b5be4a9b28 IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 "
                + "SRC=185.16.39.79 DST=10.0.0.5 LEN=44 TOS=0x00 PREC=0x00 TTL=243 ID=54321 PROTO=TCP SPT=41234 "
                + "DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0 ";
        assertThat(parser.parse(line)).contains(new BlockedPacket(Cidr.parse("185.16.39.79"), "TCP", 23));
    }

    @Test
    void readsIpv6UdpFromSyslog() {
        String line = "Nov 23 07:01:02 node-1 kernel: [123456.789012] SG-a3b5be4a9b28 IN=eth0 OUT= "
                + "MAC=33:33:00:00:00:01:52:54:00:65:43:21:86:dd SRC=2a0f:0001:0001:0000:0000:0000:0000:0002 "
                + "DST=2a0f:1:1::1 LEN=76 TC=0 HOPLIMIT=64 FLOWLBL=802193 PROTO=UDP SPT=5353 DPT=53 LEN=36 ";
        assertThat(parser.parse(line)).contains(new BlockedPacket(Cidr.parse("2a0f:1:1::2"), "UDP", 53));
    }

    @Test
    void readsIcmpWithoutAPortFromUlogd() {
        String v4 = "Nov 23 07:01:02 node-1 SG-a3b5be4a9b28 IN=va1 OUT= MAC=aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:08:00 "
                + "SRC=100.128.1.2 DST=100.128.1.1 LEN=84 TOS=00 PREC=0x00 TTL=64 ID=4242 DF PROTO=ICMP TYPE=8 "
                + "CODE=0 ID=17 SEQ=1 MARK=0";
        String v6 = "Nov 23 07:01:02 node-1 SG-a3b5be4a9b28 IN=va1 OUT= SRC=2a0f:1:1::2 DST=2a0f:1:1::1 LEN=104 "
                + "TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=128 CODE=0 ID=9 SEQ=1";
        assertThat(parser.parse(v4)).contains(new BlockedPacket(Cidr.parse("100.128.1.2"), "ICMP", -1));
        assertThat(parser.parse(v6)).contains(new BlockedPacket(Cidr.parse("2a0f:1:1::2"), "ICMPV6", -1));
    }

    @Test
    void ignoresOtherRulesAndBrokenLines() {
        assertThat(parser.parse("4,1,2,-;IPTABLES-DROP IN=eth0 SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP DPT=22")).isEmpty();
        assertThat(parser.parse("SG-a3b5be4a9b28 IN=eth0 DST=5.6.7.8 PROTO=TCP DPT=22")).as("no source").isEmpty();
        assertThat(parser.parse("SG-a3b5be4a9b28 SRC=1.2.3 PROTO=TCP DPT=22")).as("not an address").isEmpty();
        assertThat(parser.parse("SG-a3b5be4a9b28 SRC=1.2.3.4 PROTO=TCP DPT=99999")).as("no such port").isEmpty();
        assertThat(parser.parse("SG-a3b5be4a9b28 SRC=1.2.3.4 PROTO=TCP DPT=x")).isEmpty();
        assertThat(parser.parse("SG-a3b5be4a9b28 XSRC=9.9.9.9 SRC=1.2.3.4 PROTO=47")).as("GRE: a number")
                .contains(new BlockedPacket(Cidr.parse("1.2.3.4"), "47", -1));
        assertThat(parser.parse("")).isEmpty();
    }

    @Test
    void namesServicesWithTheSpecsMappingsFirst() {
        Services services = new Services(Map.of("2200", "ssh", "23", "iot-telnet"));
        assertThat(services.name("TCP", 22)).isEqualTo("ssh");
        assertThat(services.name("TCP", 2200)).isEqualTo("ssh");
        assertThat(services.name("TCP", 23)).isEqualTo("iot-telnet");
        assertThat(services.name("TCP", 3389)).isEqualTo("rdp");
        assertThat(services.name("UDP", 3389)).isEqualTo("rdp");
        assertThat(services.name("UDP", 443)).isEqualTo("quic");
        assertThat(services.name("TCP", 6379)).isEqualTo("redis");
        assertThat(services.name("TCP", 27017)).isEqualTo("mongodb");
        assertThat(services.name("TCP", 1433)).isEqualTo("mssql");
        assertThat(services.name("TCP", 2375)).isEqualTo("docker");
        assertThat(services.name("TCP", 31337)).isEqualTo("port-31337");
        assertThat(services.name("ICMP", -1)).isEqualTo("icmp");
    }

    @Test
    void tellsAnAttemptOnTheNodeFromAnAnswerToItsOwnTraffic() {
        String base = "SG-a3b5be4a9b28 IN=eth0 OUT= SRC=185.16.39.79 DST=10.0.0.5 LEN=44 TTL=243 ";
        var syn = parser.parse(base + "PROTO=TCP SPT=41234 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0").orElseThrow();
        var synAck = parser.parse(base + "PROTO=TCP SPT=443 DPT=51234 WINDOW=1024 RES=0x00 ACK SYN URGP=0")
                .orElseThrow();
        var reset = parser.parse(base + "PROTO=TCP SPT=80 DPT=51234 WINDOW=0 RES=0x00 ACK RST URGP=0").orElseThrow();
        var echo = parser.parse(base + "PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1").orElseThrow();
        var echoReply = parser.parse(base + "PROTO=ICMP TYPE=0 CODE=0 ID=1 SEQ=1").orElseThrow();
        var dnsAnswer = parser.parse(base + "PROTO=UDP SPT=53 DPT=40111 LEN=60").orElseThrow();
        var probe = parser.parse(base + "PROTO=UDP SPT=40111 DPT=161 LEN=60").orElseThrow();
        for (BlockedPacket attempt : java.util.List.of(syn, echo, probe)) {
            assertThat(attempt.inboundAttempt(32768, 60999)).as(attempt.toString()).isTrue();
        }
        for (BlockedPacket answer : java.util.List.of(synAck, reset, echoReply, dnsAnswer)) {
            assertThat(answer.inboundAttempt(32768, 60999)).as(answer.toString()).isFalse();
        }
    }
}
