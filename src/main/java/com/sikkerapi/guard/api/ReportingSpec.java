package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import java.util.LinkedHashMap;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReportingSpec {
    @Default("true")
    @JsonPropertyDescription("Report blocked attackers back to SikkerAPI (never in dry-run, never without a sikkerapi source).")
    private Boolean enabled = true;

    @Default("30m")
    @Pattern(Patterns.DURATION)
    private String interval = "30m";

    @JsonPropertyDescription("Custom destination port to service name mappings, e.g. \"2222\": ssh.")
    private Map<String, @Pattern(Patterns.SERVICE) String> portMap = new LinkedHashMap<>();

    public Boolean getEnabled() { return enabled; }
    public void setEnabled(Boolean enabled) { this.enabled = enabled; }
    public String getInterval() { return interval; }
    public void setInterval(String interval) { this.interval = interval; }
    public Map<String, String> getPortMap() { return portMap; }
    public void setPortMap(Map<String, String> portMap) { this.portMap = portMap; }
}
