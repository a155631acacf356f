package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** ingress-nginx's controller ConfigMap, whose block-cidrs key the block tier is written into. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IngressNginxTarget {
    @Required
    @Pattern(Patterns.OBJECT_NAME)
    private String namespace;

    @Default("ingress-nginx-controller")
    @Pattern(Patterns.OBJECT_NAME)
    private String configMapName = "ingress-nginx-controller";

    @JsonPropertyDescription("How many networks block-cidrs may hold at most; a larger block tier is not written (the "
            + "status says so), since the controller renders one deny line per network into nginx.conf.")
    @Default("20000")
    private Integer maxEntries = 20_000;

    public String getNamespace() { return namespace; }
    public void setNamespace(String namespace) { this.namespace = namespace; }
    public String getConfigMapName() { return configMapName; }
    public void setConfigMapName(String configMapName) { this.configMapName = configMapName; }
    public Integer getMaxEntries() { return maxEntries; }
    public void setMaxEntries(Integer maxEntries) { this.maxEntries = maxEntries; }
}
