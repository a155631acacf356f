package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FeedSource {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$")
    @JsonPropertyDescription("A short name for logs and status.")
    private String name;

    @Required
    @Pattern(Patterns.HTTP_URL)
    private String url;

    @Default("plain")
    @JsonPropertyDescription("plain (one IP or CIDR per line, # and ; comments), spamhaus-ndjson, json (with jsonPath) "
            + "or csv (with csvColumn).")
    private FeedFormat format = FeedFormat.PLAIN;

    @JsonPropertyDescription("For format json: the path to the address field, e.g. data[].ip_address.")
    private String jsonPath;

    @JsonPropertyDescription("For format csv: the column holding the address, by header name or 1-based number.")
    private String csvColumn;

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public FeedFormat getFormat() { return format; }
    public void setFormat(FeedFormat format) { this.format = format; }
    public String getJsonPath() { return jsonPath; }
    public void setJsonPath(String jsonPath) { this.jsonPath = jsonPath; }
    public String getCsvColumn() { return csvColumn; }
    public void setCsvColumn(String csvColumn) { this.csvColumn = csvColumn; }
}
