package com.sikkerapi.guard.firewall;

import com.fasterxml.jackson.databind.JsonNode;
import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.api.Json;
import com.sikkerapi.guard.firewall.ipset.IptablesFlavour;
import com.sikkerapi.guard.firewall.nftables.NftablesFirewall;
import com.sikkerapi.guard.firewall.ipset.IpsetFirewall;
import com.sikkerapi.guard.net.AddressSet;
import com.sikkerapi.guard.net.CidrWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Both backends as the tests make them, and what the kernel's sets hold, read back whole. */
final class KernelSets {
    static final Naming NAMES = Naming.of("security", "edge");

    private KernelSets() {
    }

    static Firewall firewall(EnforcementSpec.Backend backend, Lab lab, Path state) {
        return backend == EnforcementSpec.Backend.NFTABLES ? new NftablesFirewall(lab.node.commands(), NAMES)
                : new IpsetFirewall(lab.node.commands(), NAMES, IptablesFlavour.NFT, state);
    }

    /** Every entry of both live sets, as the kernel lists them. */
    static AddressSet read(EnforcementSpec.Backend backend, Lab lab) {
        List<String> entries = new ArrayList<>();
        if (backend == EnforcementSpec.Backend.NFTABLES) {
            // The sets of both slots: after an apply only the live slot's exist (an old slot's left over would show).
            for (String set : new String[] {"h4a", "v4a", "h6a", "v6a", "h4b", "v4b", "h6b", "v6b"}) {
                Commands.Result listed = lab.node.run("nft", "-j", "list", "set", "inet", NAMES.nftTable(), set);
                if (!listed.ok()) {
                    continue;
                }
                JsonNode listing = Json.read(listed.output(), JsonNode.class);
                for (JsonNode item : listing.path("nftables")) {
                    for (JsonNode element : item.path("set").path("elem")) {
                        entries.addAll(nftElement(element));
                    }
                }
            }
        } else {
            for (String set : new String[] {NAMES.live4(), NAMES.live6()}) {
                String listing = lab.node.run("ipset", "list", set).check().output();
                entries.addAll(listing.substring(listing.indexOf("Members:") + 8).lines().map(String::strip)
                        .filter(l -> !l.isEmpty()).toList());
            }
        }
        List<String> cidrs = new ArrayList<>();
        AddressSet ranges = AddressSet.EMPTY;
        for (String entry : entries) {
            if (entry.contains("-")) { // an nft range a-b: as the set of its addresses
                String[] ends = entry.split("-");
                ranges = ranges.union(range(ends[0], ends[1]));
            } else {
                cidrs.add(entry);
            }
        }
        return AddressSet.of(cidrs).union(ranges);
    }

    private static List<String> nftElement(JsonNode element) {
        JsonNode value = element.has("elem") ? element.path("elem").path("val") : element;
        if (value.has("prefix")) {
            return List.of(value.path("prefix").path("addr").asText() + "/" + value.path("prefix").path("len").asInt());
        }
        if (value.has("range")) {
            return List.of(value.path("range").get(0).asText() + "-" + value.path("range").get(1).asText());
        }
        return List.of(value.asText());
    }

    private static AddressSet range(String from, String to) {
        com.sikkerapi.guard.net.Cidr start = com.sikkerapi.guard.net.Cidr.parse(from);
        com.sikkerapi.guard.net.Cidr end = com.sikkerapi.guard.net.Cidr.parse(to);
        if (start.isV4()) {
            return new AddressSet(new com.sikkerapi.guard.net.Ipv4RangeSet.Builder().add(start.lo(), end.lo()).build(),
                    com.sikkerapi.guard.net.Ipv6RangeSet.EMPTY);
        }
        return new AddressSet(com.sikkerapi.guard.net.Ipv4RangeSet.EMPTY, new com.sikkerapi.guard.net.Ipv6RangeSet
                .Builder().add(start.hi(), start.lo(), end.hi(), end.lo()).build());
    }

    /** A list as CidrWriter writes it: what two lists are compared by. */
    static String text(AddressSet list) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CidrWriter.write(list, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
