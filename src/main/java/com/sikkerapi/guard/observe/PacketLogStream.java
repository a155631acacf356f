package com.sikkerapi.guard.observe;

import com.sikkerapi.guard.firewall.Commands;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The packet log lines of the node, read from a tool's standard output: ulogd for NFLOG (its LOGEMU output writes
 * the kernel log's format to standard output), or {@code dmesg --follow-new} for the kernel log. Both give the
 * same lines, so one parser reads both. Lines go to the consumer on a thread of this stream's own.
 */
public final class PacketLogStream implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PacketLogStream.class);
    private static final List<String> ULOGD_PLUGIN_DIRS = List.of("/usr/lib/x86_64-linux-gnu/ulogd",
            "/usr/lib/aarch64-linux-gnu/ulogd", "/usr/lib64/ulogd", "/usr/lib/ulogd");

    private final Process process;
    private final Thread reader;
    private final Path config;

    private PacketLogStream(Process process, String name, Path config, Consumer<String> lines) {
        this.process = process;
        this.config = config;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.accept(line);
                }
            } catch (IOException e) {
                LOG.debugf("%s stream ended: %s", name, e.getMessage());
            }
        }, "sikkerguard-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** NFLOG group {@code group}, through ulogd with a configuration written to {@code workDir}. */
    public static PacketLogStream nflog(Commands commands, Path workDir, int group, Consumer<String> lines)
            throws IOException {
        String plugins = ULOGD_PLUGIN_DIRS.stream().filter(dir -> Files.isDirectory(Path.of(dir))).findFirst()
                .orElseThrow(() -> new IOException("ulogd's plugins are not installed (looked in "
                        + ULOGD_PLUGIN_DIRS + ")"));
        Files.createDirectories(workDir);
        Path config = workDir.resolve("ulogd-" + group + ".conf");
        StringBuilder text = new StringBuilder("[global]\nlogfile=\"/dev/stderr\"\nloglevel=7\n");
        for (String plugin : List.of("inppkt_NFLOG", "raw2packet_BASE", "filter_IFINDEX", "filter_IP2STR",
                "filter_PRINTPKT", "output_LOGEMU")) {
            text.append("plugin=\"").append(plugins).append("/ulogd_").append(plugin).append(".so\"\n");
        }
        text.append("stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU\n")
                .append("[log1]\ngroup=").append(group).append('\n')
                .append("[emu1]\nfile=\"/dev/stdout\"\nsync=1\n");
        Files.writeString(config, text.toString());
        return new PacketLogStream(commands.start("ulogd", "-c", config.toString()), "nflog", config, lines);
    }

    /** The kernel log from now on (LOG rules write there). */
    public static PacketLogStream kmsg(Commands commands, Consumer<String> lines) {
        return new PacketLogStream(commands.start("dmesg", "--follow-new", "--kernel"), "kmsg", null, lines);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            reader.join(5000);
            if (config != null) {
                Files.deleteIfExists(config);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debugf("could not delete %s: %s", config, e.getMessage());
        }
    }
}
