package com.sikkerapi.guard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.ListBounds;
import com.sikkerapi.guard.api.ModeReason;
import com.sikkerapi.guard.api.ThreatBlocklistPolicySpec;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster policy as the operator applies it to one blocklist. */
class ClusterPolicyTest {
    @Test
    void withoutAPolicyObjectItsDefaultsHold() {
        assertThat(ClusterPolicy.DEFAULTS.bounds()).isEqualTo(ListBounds.DEFAULTS);
        assertThat(ClusterPolicy.DEFAULTS.admits(Map.of())).isTrue();
        assertThat(ClusterPolicy.DEFAULTS.allowCanaryZero()).isFalse();
        assertThat(ClusterPolicy.DEFAULTS.agentsOnControlPlanes()).isFalse();
    }

    @Test
    void canaryZeroIsInvalidUnlessThePolicyAllowsIt() {
        var spec = SpecValidatorTest.validSpec();
        spec.getRollout().setCanary(0);
        assertThat(ClusterPolicy.DEFAULTS.problems(spec)).singleElement().asString()
                .startsWith("spec.rollout.canary: 0 (every node at once) is not allowed by the cluster policy");
        var allowing = new ThreatBlocklistPolicySpec();
        allowing.setAllowCanaryZero(true);
        assertThat(ClusterPolicy.of(allowing).problems(spec)).isEmpty();
        spec.getRollout().setCanary(1);
        assertThat(ClusterPolicy.DEFAULTS.problems(spec)).isEmpty();
    }

    @Test
    void aNamespaceThePolicyDoesNotSelectRunsDryRunForThePolicy() {
        var policy = new ThreatBlocklistPolicySpec();
        policy.setEnforceNamespaces(new LabelSelectorBuilder().withMatchLabels(Map.of("enforce", "yes")).build());
        var blocklist = Fixtures.blocklist("edge", 1);
        var outside = new NamespaceBuilder().withNewMetadata().withName("security").endMetadata().build();
        var admitted = new NamespaceBuilder().withNewMetadata().withName("security")
                .withLabels(Map.of("enforce", "yes")).endMetadata().build();
        assertThat(AgentPlan.modeReason(blocklist, outside, ClusterPolicy.of(policy))).isEqualTo(ModeReason.Policy);
        assertThat(AgentPlan.modeReason(blocklist, admitted, ClusterPolicy.of(policy))).isEqualTo(ModeReason.Spec);
    }
}
