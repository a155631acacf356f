package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SikkerApiSource {
    public static final String DEFAULT_ENDPOINT = "https://api.sikkerapi.com";

    @Default(DEFAULT_ENDPOINT)
    @Pattern(Patterns.HTTP_URL)
    @JsonPropertyDescription("Base URL of the SikkerAPI service.")
    private String endpoint = DEFAULT_ENDPOINT;

    @Required
    @JsonPropertyDescription("The Secret (in this namespace) holding the API key. It is mounted into the agent as a file.")
    private SecretKeyRef apiKeySecretRef;

    @Default("50")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Only addresses with at least this confidence score (1-100) are listed.")
    private Integer scoreMinimum = 50;

    @JsonPropertyDescription("Only addresses seen attacking these services (e.g. ssh, http). Empty means all.")
    private List<@Pattern(Patterns.SERVICE) String> protocols = new ArrayList<>();

    @Default("mixed")
    @JsonPropertyDescription("Address families to pull: 4, 6 or mixed.")
    private IpVersion ipVersion = IpVersion.MIXED;

    private List<@Pattern(Patterns.COUNTRY) String> onlyCountries = new ArrayList<>();
    private List<@Pattern(Patterns.COUNTRY) String> exceptCountries = new ArrayList<>();
    private List<@Min(1) @Max(4294967295L) Long> onlyAsn = new ArrayList<>();
    private List<@Min(1) @Max(4294967295L) Long> exceptAsn = new ArrayList<>();

    @Min(1)
    @JsonPropertyDescription("At most this many addresses per pull. Absent means the API's own limit.")
    private Integer limit;

    public String getEndpoint() { return endpoint; }
    public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
    public SecretKeyRef getApiKeySecretRef() { return apiKeySecretRef; }
    public void setApiKeySecretRef(SecretKeyRef apiKeySecretRef) { this.apiKeySecretRef = apiKeySecretRef; }
    public Integer getScoreMinimum() { return scoreMinimum; }
    public void setScoreMinimum(Integer scoreMinimum) { this.scoreMinimum = scoreMinimum; }
    public List<String> getProtocols() { return protocols; }
    public void setProtocols(List<String> protocols) { this.protocols = protocols; }
    public IpVersion getIpVersion() { return ipVersion; }
    public void setIpVersion(IpVersion ipVersion) { this.ipVersion = ipVersion; }
    public List<String> getOnlyCountries() { return onlyCountries; }
    public void setOnlyCountries(List<String> onlyCountries) { this.onlyCountries = onlyCountries; }
    public List<String> getExceptCountries() { return exceptCountries; }
    public void setExceptCountries(List<String> exceptCountries) { this.exceptCountries = exceptCountries; }
    public List<Long> getOnlyAsn() { return onlyAsn; }
    public void setOnlyAsn(List<Long> onlyAsn) { this.onlyAsn = onlyAsn; }
    public List<Long> getExceptAsn() { return exceptAsn; }
    public void setExceptAsn(List<Long> exceptAsn) { this.exceptAsn = exceptAsn; }
    public Integer getLimit() { return limit; }
    public void setLimit(Integer limit) { this.limit = limit; }
}
