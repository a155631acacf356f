package com.sikkerapi.guard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.EnforcementSpec;
import com.sikkerapi.guard.firewall.LabAccess;
import com.sikkerapi.guard.net.AddressSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code sikkerguard apply} and {@code cleanup --name} in a namespace the test makes, each backend: the first list
 * loaded whole, the next one (a fresh process: nothing known but the saved list) adopted and changed as a
 * difference, and cleanup leaving the namespace exactly as it was.
 */
@Tag("kernel")
class ApplyCommandKernelTest {
    @TempDir
    Path state;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = EnforcementSpec.Backend.class, names = {"IPSET", "NFTABLES"})
    void appliesAListThenADifferenceAndCleanupLeavesNothing(EnforcementSpec.Backend backend) throws Exception {
        try (LabAccess lab = new LabAccess()) {
            String before = lab.snapshot();
            List<String> entries = new ArrayList<>(List.of(LabAccess.ATTACKER));
            for (int i = 0; i < 100; i++) {
                entries.add("45.1." + 2 * i + ".0/24");
            }
            EnforcementSpec enforcement = new EnforcementSpec();
            enforcement.setBackend(backend);
            String first = run(lab, AddressSet.of(entries), enforcement, "edge-test");
            assertThat(first).startsWith("Applied (full load of 101 entries): 101 IPv4 and 0 IPv6 entries enforced")
                    .contains("with " + backend.name().toLowerCase());
            assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();

            entries.remove("45.1.0.0/24");
            entries.add("45.2.0.0/24");
            String second = run(lab, AddressSet.of(entries), enforcement, "edge-test");
            assertThat(second).contains("in place: 101 entries").contains("Applied (incremental: 1 deleted, 1 added)");
            assertThat(lab.attacker().ping(LabAccess.NODE_A)).isFalse();

            assertThat(new ApplyCommand(lab.node().commands(), System.out).cleanup("edge-test", state)).hasSize(1);
            assertThat(lab.snapshot()).isEqualTo(before);
            assertThat(lab.attacker().ping(LabAccess.NODE_A)).isTrue();
        }
    }

    private String run(LabAccess lab, AddressSet list, EnforcementSpec enforcement, String name) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean applied = new ApplyCommand(lab.node().commands(), new PrintStream(out, true, StandardCharsets.UTF_8))
                .apply(list, Integer.toHexString(list.hashCode()), enforcement, name, state);
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertThat(applied).as(printed).isTrue();
        return printed.lines().filter(l -> !l.startsWith("in place")).findFirst().orElse("") + "\n" + printed;
    }
}
