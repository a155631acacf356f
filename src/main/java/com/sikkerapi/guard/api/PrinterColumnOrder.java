package com.sikkerapi.guard.api;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.Comparator;

/**
 * Runs in the CRD generator at build time. The generator sorts printer columns by JSON path; kubectl shows them in
 * the CRD's order, and an admin expects the order they were declared in, with Age last, as for built-in kinds.
 */
public class PrinterColumnOrder implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (crd instanceof CustomResourceDefinition definition) {
            Class<?> type = switch (definition.getSpec().getNames().getKind()) {
                case "ThreatBlocklist" -> ThreatBlocklist.class;
                case "ThreatBlocklistNode" -> ThreatBlocklistNode.class;
                case "ThreatBlocklistPolicy" -> ThreatBlocklistPolicy.class;
                default -> null;
            };
            if (type != null) {
                var declared = java.util.Arrays.stream(
                        type.getAnnotationsByType(io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.class))
                        .map(io.fabric8.crd.generator.annotation.AdditionalPrinterColumn::name).toList();
                definition.getSpec().getVersions().forEach(version -> {
                    if (version.getAdditionalPrinterColumns() != null) {
                        version.getAdditionalPrinterColumns().sort(Comparator.comparingInt(
                                (CustomResourceColumnDefinition c) -> declared.indexOf(c.getName())));
                    }
                });
            }
        }
        return crd;
    }
}
