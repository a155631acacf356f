package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/**
 * How a new identity (a new list, or a change of what a node enforces) reaches the nodes: canaries first, then
 * batches, each stage only after the one before holds it for the soak time.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutSpec {
    /** A count ("2") or a share of the selected nodes ("25%"). */
    public static final String BATCH_PATTERN = "^([1-9][0-9]{0,5}|([1-9]|[1-9][0-9]|100)%)$";

    @Default("1")
    @Min(0)
    @Max(1000)
    @JsonPropertyDescription("Nodes that take a new identity first: Ready nodes, those labelled "
            + "guard.sikkerapi.com/canary=true first, then by name. 0 turns staging off: every node at once "
            + "(emergencies).")
    private Integer canary = 1;

    @Default("25%")
    @Pattern(BATCH_PATTERN)
    @JsonPropertyDescription("Nodes per stage after the canaries: a count (e.g. 5) or a share of the selected nodes "
            + "(e.g. 25%, at least one node).")
    private String batch = "25%";

    @Default("60s")
    @Pattern(Patterns.DURATION)
    @JsonPropertyDescription("How long every node of a stage must hold the new identity, enforcing with a passing "
            + "self-test, before the next stage starts.")
    private String soak = "60s";

    @Default("10m")
    @Pattern(Patterns.DURATION)
    @JsonPropertyDescription("A stage whose nodes do not all report the new identity within this time halts the "
            + "rollout.")
    private String timeout = "10m";

    public Integer getCanary() { return canary; }
    public void setCanary(Integer canary) { this.canary = canary; }
    public String getBatch() { return batch; }
    public void setBatch(String batch) { this.batch = batch; }
    public String getSoak() { return soak; }
    public void setSoak(String soak) { this.soak = soak; }
    public String getTimeout() { return timeout; }
    public void setTimeout(String timeout) { this.timeout = timeout; }

    /** Nodes per batch for a cluster of {@code nodes} selected nodes: at least one. */
    public int batchSize(int nodes) {
        String text = batch == null ? "25%" : batch;
        if (text.endsWith("%")) {
            int percent = Integer.parseInt(text.substring(0, text.length() - 1));
            return Math.max(1, (int) Math.ceil(nodes * percent / 100.0));
        }
        return Math.max(1, Integer.parseInt(text));
    }
}
