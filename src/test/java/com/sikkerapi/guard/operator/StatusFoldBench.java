package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.Mode;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.NodePhase;
import com.sikkerapi.guard.api.ThreatBlocklist;
import com.sikkerapi.guard.api.ThreatBlocklistNode;
import com.sikkerapi.guard.api.ThreatBlocklistStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * `make bench`: how long the operator takes to fold N node reports into a ThreatBlocklist's status (2% of the nodes
 * failing), and how large the resulting object is. Prints one table row per N.
 */
public final class StatusFoldBench {
    private StatusFoldBench() {
    }

    public static void main(String[] args) {
        Instant now = Instant.now();
        for (int nodes : new int[] {100, 500, 5000}) {
            ThreatBlocklist blocklist = Fixtures.blocklist("edge", 7);
            Set<String> desired = new TreeSet<>();
            List<ThreatBlocklistNode> reports = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                desired.add("node-" + i);
                NodePhase phase = i % 50 == 0 ? NodePhase.Degraded : NodePhase.Enforcing;
                ThreatBlocklistNode report = Fixtures.report("edge", "node-" + i, phase, 7, now, 6273, 78);
                report.getSpec().setLastErrorReason(phase == NodePhase.Degraded ? "SelfTestFailed" : null);
                reports.add(report);
            }
            ThreatBlocklistStatus status = null;
            double[] micros = new double[50];
            for (int round = -20; round < micros.length; round++) {
                long start = System.nanoTime();
                status = StatusAggregator.fold(blocklist, List.of(), Mode.Enforcing, ModeReason.Spec, desired, desired.size(),
                        reports, new StatusAggregator.Hub(Fixtures.published(now, "Published", 6000, 70), null, true), now);
                if (round >= 0) {
                    micros[round] = (System.nanoTime() - start) / 1e3;
                }
            }
            Arrays.sort(micros);
            blocklist.setStatus(status);
            System.out.printf("| %,d | %s | %.0f µs | %,d bytes |%n", nodes, status.getNodes().summary(),
                    micros[micros.length / 2], Serialization.asJson(blocklist).length());
        }
    }
}
