package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SourceSpec {
    @JsonPropertyDescription("SikkerAPI's blacklist, filtered by score, protocol, country and ASN.")
    private SikkerApiSource sikkerapi;

    @JsonPropertyDescription("Further feeds by URL. All sources of one ThreatBlocklist are merged.")
    private List<FeedSource> feeds = new ArrayList<>();

    public SikkerApiSource getSikkerapi() { return sikkerapi; }
    public void setSikkerapi(SikkerApiSource sikkerapi) { this.sikkerapi = sikkerapi; }
    public List<FeedSource> getFeeds() { return feeds; }
    public void setFeeds(List<FeedSource> feeds) { this.feeds = feeds; }
}
