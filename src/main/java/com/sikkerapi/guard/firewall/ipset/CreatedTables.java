package com.sikkerapi.guard.firewall.ipset;

import com.sikkerapi.guard.firewall.Commands;
import com.sikkerapi.guard.firewall.FirewallException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * With the nf_tables backend, the first iptables rule in a table creates the table, and deleting our chain later
 * leaves it behind, empty. To leave a node exactly as it was, the tables this blocklist created are remembered in
 * the agent's state folder (so a successor knows them too) and deleted on removal, but only when nothing else has
 * put a rule in them since.
 */
final class CreatedTables {
    private final Commands commands;
    private final Path record;

    CreatedTables(Commands commands, Path record) {
        this.commands = commands;
        this.record = record;
    }

    void noteBeforeCreating(String family, String table) {
        if (commands.run("nft", "list", "table", family, table).ok()) {
            return; // it was there before us
        }
        List<String> tables = read();
        String entry = family + " " + table;
        if (!tables.contains(entry)) {
            tables.add(entry);
            write(tables);
        }
    }

    void deleteIfEmpty() {
        for (String entry : read()) {
            String[] parts = entry.split(" ");
            Commands.Result listing = commands.run("nft", "list", "table", parts[0], parts[1]);
            if (listing.ok() && listing.output().lines().map(String::strip).allMatch(CreatedTables::isSkeleton)) {
                commands.run("nft", "delete", "table", parts[0], parts[1]).check();
            }
        }
        try {
            Files.deleteIfExists(record);
        } catch (IOException e) {
            throw new FirewallException("cannot remove " + record + ": " + e.getMessage());
        }
    }

    /** The lines of an empty iptables-nft table: the table, its built-in chains and their hook lines. */
    private static boolean isSkeleton(String line) {
        return line.isEmpty() || line.equals("}") || line.startsWith("table ") || line.startsWith("chain ")
                || line.startsWith("type ");
    }

    private List<String> read() {
        try {
            return Files.exists(record) ? new ArrayList<>(Files.readAllLines(record)) : new ArrayList<>();
        } catch (IOException e) {
            throw new FirewallException("cannot read " + record + ": " + e.getMessage());
        }
    }

    private void write(List<String> tables) {
        try {
            Files.createDirectories(record.getParent());
            Path temporary = record.resolveSibling(record.getFileName() + ".tmp");
            Files.write(temporary, tables);
            Files.move(temporary, record, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new FirewallException("cannot write " + record + ": " + e.getMessage());
        }
    }
}
