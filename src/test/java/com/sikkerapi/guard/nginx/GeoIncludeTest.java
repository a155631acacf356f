package com.sikkerapi.guard.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sikkerapi.guard.net.AddressSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class GeoIncludeTest {
    @Test
    void rendersEachNetworkOnceInItsTierWithTheBlockTierWinningOverlaps() {
        GeoInclude.Rendered rendered = GeoInclude.render(AddressSet.of(List.of("45.1.2.3", "45.1.2.2", "2a0f:ff::/48")),
                AddressSet.of(List.of("45.1.2.0/30", "2a0f:ee::1")), "ns/edge", "edge", 1 << 20);
        assertThat(rendered.parts()).hasSize(1);
        assertThat(rendered.parts().get(0).file()).isEqualTo("edge-1.conf");
        assertThat(lines(rendered)).isEqualTo(new TreeMap<>(Map.of("45.1.2.2/31", "2", "2a0f:ff::/48", "2",
                "45.1.2.0/31", "1", "2a0f:ee::1", "1")));
        assertThat(rendered.blockEntries()).isEqualTo(2);
        assertThat(rendered.challengeEntries()).isEqualTo(2);
        assertThat(rendered.parts().get(0).text()).startsWith("# sikkerguard ns/edge, part 1 of 1");
    }

    @Test
    void splitsAtTheLimitWithoutLosingOrRepeatingAnEntry() {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            entries.add("45." + (i >> 8) + "." + (i & 0xff) + ".1");
        }
        GeoInclude.Rendered rendered = GeoInclude.render(AddressSet.of(entries), AddressSet.EMPTY, "ns/edge", "edge",
                50_000);
        assertThat(rendered.parts()).hasSizeGreaterThan(4);
        assertThat(rendered.parts()).allSatisfy(part -> assertThat(part.bytes()).isLessThanOrEqualTo(50_000));
        assertThat(rendered.parts().stream().mapToLong(GeoInclude.Part::entries).sum()).isEqualTo(20_000);
        assertThat(lines(rendered)).hasSize(20_000).containsKeys("45.0.0.1", "45.78.31.1");
        assertThat(rendered.parts().get(rendered.parts().size() - 1).text())
                .startsWith("# sikkerguard ns/edge, part " + rendered.parts().size() + " of " + rendered.parts().size());
    }

    @Test
    void anEmptyListIsOnePartWithItsHeaderAndATooSmallLimitIsRefused() {
        GeoInclude.Rendered empty = GeoInclude.render(AddressSet.EMPTY, AddressSet.EMPTY, "ns/edge", "edge", 1000);
        assertThat(empty.parts()).singleElement().satisfies(part -> assertThat(part.entries()).isZero());
        assertThatThrownBy(() -> GeoInclude.render(AddressSet.EMPTY, AddressSet.EMPTY, "ns/edge", "edge", 100))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Every network line of every part, network to tier; fails on a repeated network. */
    private static Map<String, String> lines(GeoInclude.Rendered rendered) {
        Map<String, String> lines = new TreeMap<>();
        for (GeoInclude.Part part : rendered.parts()) {
            part.text().lines().filter(l -> !l.startsWith("#")).forEach(line -> {
                String[] fields = line.replace(";", "").split(" ");
                assertThat(lines.put(fields[0], fields[1])).as("repeated: " + line).isNull();
            });
        }
        return lines;
    }
}
