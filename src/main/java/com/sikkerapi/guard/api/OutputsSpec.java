package com.sikkerapi.guard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where else the validated list goes, besides the nodes' firewalls. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OutputsSpec {
    @JsonPropertyDescription("Publish the list as an Nginx geo include in ConfigMaps (and optionally into ingress-nginx's "
            + "block-cidrs), for the web tier. Absent: nothing is published.")
    private NginxOutputSpec nginx;

    public NginxOutputSpec getNginx() { return nginx; }
    public void setNginx(NginxOutputSpec nginx) { this.nginx = nginx; }
}
