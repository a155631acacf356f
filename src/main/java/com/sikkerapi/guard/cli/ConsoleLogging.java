package com.sikkerapi.guard.cli;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * Logging for the commands that run without Quarkus (the node agent above all): one line per record on standard
 * error, with an ISO-8601 time to the millisecond. The launcher makes JBoss LogManager the JDK's log manager
 * (-Djava.util.logging.manager), the same one Quarkus uses for the operator.
 */
public final class ConsoleLogging {
    private ConsoleLogging() {
    }

    /** @param level from SIKKERGUARD_LOG_LEVEL (a java.util.logging level name), or null for INFO */
    public static void configure(String level) {
        Logger root = Logger.getLogger("");
        for (var handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        ConsoleHandler console = new ConsoleHandler(ConsoleHandler.Target.SYSTEM_ERR,
                new PatternFormatter("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5p [%c{1.}] %s%e%n"));
        root.addHandler(console);
        root.setLevel(level == null || level.isBlank() ? Level.INFO : Level.parse(level.strip().toUpperCase()));
        // The JDK HTTP client's own chatter is for debugging the client, not the agent; and the API version of
        // sikkerguard's own resources is chosen, not a mistake to warn about on every start.
        Logger.getLogger("jdk.internal.httpclient").setLevel(Level.WARNING);
        Logger.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils").setLevel(Level.SEVERE);
    }
}
