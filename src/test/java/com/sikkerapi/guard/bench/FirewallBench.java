package com.sikkerapi.guard.bench;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.feed.FeedClient;
import com.sikkerapi.guard.feed.FeedPuller;
import com.sikkerapi.guard.feed.RejectedLines;
import com.sikkerapi.guard.feed.ValidationPolicy;
import com.sikkerapi.guard.feed.ValidationResult;
import com.sikkerapi.guard.firewall.ipset.IpsetFirewall;
import com.sikkerapi.guard.firewall.ipset.IptablesFlavour;
import com.sikkerapi.guard.firewall.Naming;
import com.sikkerapi.guard.testing.NetNs;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Enforcement benchmarks in network namespaces (root): apply time against the raw ipset floor, packet rate with and
 * without the set rule and against per-address rules. Prints markdown table rows. A benchmark, not a test.
 */
public final class FirewallBench {
    private FirewallBench() {
    }

    static String feed(int entries) {
        StringBuilder text = new StringBuilder(entries * 14);
        for (long i = 0; i < entries; i++) {
            long a = 0x2d000000L + 2 * i; // 45.0.0.0, 45.0.0.2, ...: no two entries merge
            text.append(a >>> 24).append('.').append((a >>> 16) & 255).append('.').append((a >>> 8) & 255).append('.')
                    .append(a & 255).append('\n');
        }
        return text.toString();
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("fwbench");
        List<String> rows = new ArrayList<>();
        try (NetNs node = NetNs.create("bench")) {
            for (int entries : new int[] {100_000, 1_000_000}) {
                String body = feed(entries);
                // The floor: ipset restore of the same entries from a prepared file, then ipset swap.
                Path prepared = work.resolve("restore-" + entries);
                Files.writeString(prepared, "create floor-next hash:net family inet hashsize "
                        + Long.highestOneBit(Math.max(1024, entries / 2)) + " maxelem " + (entries + entries / 4) + "\n"
                        + body.lines().map(l -> "add floor-next " + l).reduce(new StringBuilder(),
                                (sb, l) -> sb.append(l).append('\n'), StringBuilder::append));
                node.run("ipset", "create", "floor-live", "hash:net").check();

                // End to end: pull over HTTP, parse, validate, aggregate, load and swap. Rounds alternate with the
                // floor's, so that both see the same phases of this machine; the first apply of an agent checks
                // everything (it may be adopting), the later ones are the steady state.
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
                server.createContext("/feed", exchange -> {
                    exchange.sendResponseHeaders(200, bytes.length);
                    exchange.getResponseBody().write(bytes);
                    exchange.close();
                });
                server.start();
                IpsetFirewall firewall = new IpsetFirewall(node.commands(), Naming.of("bench", "e2e"),
                        IptablesFlavour.NFT, work.resolve("state"));
                FeedPuller puller = new FeedPuller(new FeedClient(FeedClient.Settings.DEFAULTS, Optional.empty(), () -> com.sikkerapi.guard.feed.DestinationPolicy.ANY),
                        work.resolve("feeds"));
                List<FeedPuller.Source> sources = List.of(new FeedPuller.Source("bench",
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/feed"), Map.of(), "plain"));
                int rounds = 5;
                // Every round loads the list whole, as the floor does (the same list again would otherwise go in as
                // an empty difference: BackendBench measures those).
                EnforcementSpec whole = new EnforcementSpec();
                whole.setIncrementalLimit("0%");
                double[] floor = new double[rounds];
                double[] total = new double[rounds];
                double[] applyOnly = new double[rounds];
                for (int round = 0; round < rounds; round++) {
                    long floorStart = System.nanoTime();
                    node.run("ipset", "restore", "-f", prepared.toString()).check();
                    node.run("ipset", "swap", "floor-next", "floor-live").check();
                    floor[round] = seconds(floorStart);
                    node.run("ipset", "destroy", "floor-next").check();

                    long start = System.nanoTime();
                    var pull = puller.pull(sources, ValidationPolicy.DEFAULTS, -1, RejectedLines.IGNORE, true);
                    var list = ((ValidationResult.Accepted) pull.result()).blocked();
                    long applyStart = System.nanoTime();
                    firewall.apply(list, whole);
                    applyOnly[round] = seconds(applyStart);
                    total[round] = seconds(start);
                }
                node.run("ipset", "destroy", "floor-live").check();
                server.stop(0);
                firewall.remove();
                rows.add(String.format("| %,d entries | %.3f s | %.3f s | %.3f s | %.2fx |", entries, median(floor),
                        median(applyOnly), median(total), median(total) / median(floor)));
            }
        }
        System.out.println("| list | floor: ipset restore from a file + swap | sikkerguard apply (load + swap + rules) "
                + "| pull + validate + apply | end to end / floor |");
        System.out.println("| --- | --- | --- | --- | --- |");
        rows.forEach(System.out::println);
        System.out.println();
        try {
            packetRate(work);
        } finally {
            deleteTree(work);
        }
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Packets per second that reach a node through its raw PREROUTING hook from an unlisted sender: with no rule,
     * with our set rule over a million entries, with 5,000 per-address rules (what a naive list of iptables rules
     * costs), and with the nftables backend's table over the same million (loaded for its turn, removed after). The sender is a UDP stream of small datagrams in another namespace, over a veth pair. The three
     * cases take turns, round after round (only the hook's jump changes between them), so that a slow phase of this
     * virtual machine hits all three alike; the median of the rounds is reported.
     */
    static void packetRate(Path work) throws Exception {
        int rounds = Integer.getInteger("bench.rateRounds", 7);
        try (NetNs node = NetNs.create("rate"); NetNs sender = NetNs.create("send")) {
            NetNs.link(node, List.of("100.128.9.1/24"), sender, List.of("100.128.9.2/24"));
            node.run("iptables-nft", "-t", "mangle", "-A", "INPUT", "-s", "100.128.9.2", "-p", "udp").check();
            IpsetFirewall firewall = new IpsetFirewall(node.commands(), Naming.of("bench", "rate"), IptablesFlavour.NFT,
                    work.resolve("rate-state"));
            var collector = new com.sikkerapi.guard.feed.ListCollector(8, 32, RejectedLines.IGNORE);
            new com.sikkerapi.guard.feed.PlainTextParser().parse(new java.io.ByteArrayInputStream(
                    feed(1_000_000).getBytes(StandardCharsets.US_ASCII)), collector);
            var million = collector.build();
            firewall.apply(million, new EnforcementSpec());
            StringBuilder rules = new StringBuilder("*raw\n:PERADDR - [0:0]\n");
            for (int i = 0; i < 5000; i++) {
                rules.append("-A PERADDR -s 45.").append(i >> 8).append('.').append(i & 255).append(".7/32 -j DROP\n");
            }
            String text = rules.append("COMMIT\n").toString();
            node.commands().run(out -> out.write(text.getBytes(StandardCharsets.US_ASCII)), "iptables-nft-restore",
                    "--noflush").check();
            String[] cases = {"no rule", "set rule, 1,000,000 entries", "5,000 per-address rules",
                    "nftables backend, 1,000,000 entries (hash set)"};
            var nftables = new com.sikkerapi.guard.firewall.nftables.NftablesFirewall(node.commands(),
                    Naming.of("bench", "rate-nft"));
            EnforcementSpec nftEnforcement = new EnforcementSpec();
            nftEnforcement.setBackend(EnforcementSpec.Backend.NFTABLES);
            // The hook's rule of each case, as iptables-restore takes it: the agent's own jump (which matches the
            // set), or a plain jump to the per-address chain.
            String setJump = node.run("iptables-nft", "-t", "raw", "-S", "PREROUTING").output().lines()
                    .filter(l -> l.endsWith("-j " + firewall.names().chain())).findFirst().orElseThrow();
            String[] hookRules = {null, setJump, "-A PREROUTING -j PERADDR", null};
            double[][] runs = new double[cases.length][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int c = 0; c < cases.length; c++) {
                    node.run("iptables-nft", "-t", "raw", "-F", "PREROUTING").check();
                    if (hookRules[c] != null) {
                        String restore = "*raw\n" + hookRules[c] + "\nCOMMIT\n";
                        node.commands().run(out -> out.write(restore.getBytes(StandardCharsets.US_ASCII)),
                                "iptables-nft-restore", "--noflush").check();
                    }
                    if (c == 3) {
                        nftables.apply(million, nftEnforcement); // its own table, loaded for its turn
                    }
                    node.run("iptables-nft", "-t", "mangle", "-Z", "INPUT").check();
                    sender.run("timeout", "2", "socat", "-u", "-b", "64", "/dev/zero", "UDP4-SENDTO:100.128.9.1:9999");
                    String counted = node.run("iptables-nft", "-t", "mangle", "-L", "INPUT", "-v", "-n", "-x").output();
                    if (c == 3) {
                        nftables.remove();
                    }
                    runs[c][round] = counted.lines().filter(l -> l.contains("100.128.9.2")).mapToLong(
                            l -> Long.parseLong(l.strip().split("\\s+")[0])).sum() / 2.0;
                }
            }
            System.out.printf("| rule in raw PREROUTING (sender not listed; median of %d rounds) | packets/s reaching "
                    + "the node | vs no rule |%n", rounds);
            System.out.println("| --- | --- | --- |");
            double none = median(runs[0]);
            for (int c = 0; c < cases.length; c++) {
                double rate = median(runs[c]);
                System.out.printf("| %s | %,.0f | %+.1f%% |%n", cases[c], rate, 100 * (rate / none - 1));
            }
        }
    }
}
