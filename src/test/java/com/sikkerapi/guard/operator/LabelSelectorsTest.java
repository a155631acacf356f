package com.sikkerapi.guard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy's namespace selector, with Kubernetes' semantics. */
class LabelSelectorsTest {
    private static final LabelSelector TENANTS = new LabelSelectorBuilder().withMatchLabels(Map.of("tier", "prod"))
            .addNewMatchExpression().withKey("team").withOperator("In").withValues("edge", "web").endMatchExpression()
            .addNewMatchExpression().withKey("frozen").withOperator("DoesNotExist").endMatchExpression().build();

    @Test
    void everyLabelAndRequirementMustHold() {
        assertThat(LabelSelectors.matches(TENANTS, Map.of("tier", "prod", "team", "edge"))).isTrue();
        assertThat(LabelSelectors.matches(TENANTS, Map.of("tier", "prod", "team", "db"))).isFalse();
        assertThat(LabelSelectors.matches(TENANTS, Map.of("tier", "dev", "team", "edge"))).isFalse();
        assertThat(LabelSelectors.matches(TENANTS, Map.of("tier", "prod", "team", "web", "frozen", "x"))).isFalse();
    }

    @Test
    void anEmptySelectorMatchesEveryNamespace() {
        assertThat(LabelSelectors.matches(new LabelSelector(), Map.of())).isTrue();
    }

    @Test
    void notInAndExists() {
        LabelSelector selector = new LabelSelectorBuilder().addNewMatchExpression().withKey("team")
                .withOperator("NotIn").withValues("lab").endMatchExpression().addNewMatchExpression().withKey("tier")
                .withOperator("Exists").endMatchExpression().build();
        assertThat(LabelSelectors.matches(selector, Map.of("tier", "x"))).isTrue();
        assertThat(LabelSelectors.matches(selector, Map.of("tier", "x", "team", "lab"))).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of("team", "edge"))).isFalse();
    }
}
