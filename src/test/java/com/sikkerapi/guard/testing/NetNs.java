package com.sikkerapi.guard.testing;

import com.sikkerapi.guard.firewall.Commands;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace a test creates and always deletes: a stand-in for a node, a client, an attacker or a pod.
 * Deleting it takes its interfaces, addresses, routes, ipsets and iptables rules with it; the host's own network,
 * firewall and sysctls are never touched. Traffic only flows on veth pairs between namespaces made here.
 */
public final class NetNs implements AutoCloseable {
    private static final Commands HOST = Commands.local();
    private final String name;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> hostProcesses = new ArrayList<>();

    private final boolean owned;

    private NetNs(String name, boolean owned) {
        this.name = name;
        this.owned = owned;
    }

    /** A namespace someone else made and will delete (a cluster's node): closing this stops only our processes. */
    public static NetNs existing(String name) {
        return new NetNs(name, false);
    }

    public static NetNs create(String role) {
        String name = "sgt-" + role + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        HOST.run("ip", "netns", "add", name).check();
        NetNs ns = new NetNs(name, true);
        ns.run("ip", "link", "set", "lo", "up").check();
        return ns;
    }

    public String name() {
        return name;
    }

    /** Commands run inside this namespace. */
    public Commands commands() {
        return new Commands(List.of("ip", "netns", "exec", name));
    }

    public Commands.Result run(String... command) {
        return commands().run(command);
    }

    /** A background process in this namespace, stopped when the namespace is closed. */
    public Process start(String... command) {
        return start(Map.of(), ProcessBuilder.Redirect.DISCARD, List.of(command));
    }

    /** A background process in this namespace with more environment, stopped when the namespace is closed. */
    public Process start(Map<String, String> environment, ProcessBuilder.Redirect output, List<String> command) {
        try {
            List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
            full.addAll(command);
            // `ip netns exec` enters the namespace and execs the command: the process is the command itself, so
            // signals sent to it reach the command (as a kubelet's reach a container's first process).
            ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output);
            builder.environment().putAll(environment);
            Process process = builder.start();
            processes.add(process);
            return process;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes 127.0.0.1:port of the host reachable at 127.0.0.1:port inside this namespace, through a unix socket
     * (which no network namespace owns): how an agent in a node namespace reaches the test's API server and feed.
     * Closing the bridge cuts the path, as an outage would; closing the namespace closes it too.
     */
    public AutoCloseable bridgeHostPort(int port, Path socketDir) {
        Path socket = socketDir.resolve(name + "-" + port + ".sock");
        try {
            Process host = new ProcessBuilder("socat", "UNIX-LISTEN:" + socket + ",fork,unlink-early",
                    "TCP4:127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            hostProcesses.add(host);
            for (int i = 0; i < 100 && !java.nio.file.Files.exists(socket); i++) {
                sleep(20);
            }
            Process inside = start("socat", "TCP4-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork",
                    "UNIX-CONNECT:" + socket);
            for (int i = 0; i < 100 && !run("ss", "-Hltn", "sport = :" + port).output().contains(":" + port); i++) {
                sleep(20);
            }
            return () -> {
                stop(inside);
                stop(host);
            };
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void stop(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A veth pair between two namespaces with the given addresses (CIDR notation, IPv4 or IPv6; IPv6 without
     * duplicate address detection, so it is usable at once).
     */
    public static void link(NetNs a, List<String> addressesA, NetNs b, List<String> addressesB) {
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        String ifA = "va" + id;
        String ifB = "vb" + id;
        HOST.run("ip", "link", "add", ifA, "netns", a.name, "type", "veth", "peer", "name", ifB, "netns", b.name).check();
        configure(a, ifA, addressesA);
        configure(b, ifB, addressesB);
    }

    private static void configure(NetNs ns, String iface, List<String> addresses) {
        for (String address : addresses) {
            if (address.contains(":")) {
                ns.run("ip", "-6", "addr", "add", address, "dev", iface, "nodad").check();
            } else {
                ns.run("ip", "addr", "add", address, "dev", iface).check();
            }
        }
        ns.run("ip", "link", "set", iface, "up").check();
    }

    /**
     * This namespace's iptables (nf_tables and legacy, IPv4 and IPv6) and ipsets, counters aside: what "exactly as
     * before" compares.
     */
    public String firewallSnapshot() {
        StringBuilder state = new StringBuilder();
        for (String tool : new String[] {"iptables-nft-save", "ip6tables-nft-save", "iptables-legacy-save",
                "ip6tables-legacy-save"}) {
            state.append(run(tool).output().lines().filter(l -> !l.startsWith("#"))
                    .map(l -> l.replaceAll("\\[\\d+:\\d+\\]", "[0:0]")).reduce("", (a, b) -> a + b + "\n"));
        }
        // The nftables tables (their names: an inet table of ours must be gone, counters make no difference).
        return state.append(run("ipset", "save").output()).append(run("nft", "list", "tables").output()).toString();
    }

    /** One ping (IPv4 or IPv6), one second at most: whether an answer came back. */
    public boolean ping(String address) {
        return run("ping", "-n", "-c", "1", "-W", "1", address).ok();
    }

    /** A TCP connection that sends a line and reads the answer, two seconds at most. */
    public boolean connects(String address, int port) {
        String target = address.contains(":") ? "TCP6:[" + address + "]:" + port : "TCP4:" + address + ":" + port;
        Commands.Result result = run("socat", "-T", "2", "-", target + ",connect-timeout=2");
        return result.ok() && result.output().contains("hello");
    }

    /** A TCP server answering "hello" on every address of the namespace. */
    public void serveHello(int port) {
        start("socat", "TCP6-LISTEN:" + port + ",ipv6only=0,reuseaddr,fork", "SYSTEM:echo hello");
        for (int i = 0; i < 50 && !run("ss", "-Hltn", "sport = :" + port).output().contains(":" + port); i++) {
            sleep(50);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        processes.forEach(NetNs::stop);
        hostProcesses.forEach(NetNs::stop);
        if (!owned) {
            return;
        }
        // Anything else still running in the namespace (a child of a killed process) goes too.
        String pids = HOST.run("ip", "netns", "pids", name).output().strip();
        if (!pids.isEmpty()) {
            List<String> kill = new ArrayList<>(List.of("kill", "-9"));
            kill.addAll(List.of(pids.split("\\s+")));
            HOST.run(kill.toArray(String[]::new));
        }
        HOST.run("ip", "netns", "delete", name);
    }
}
