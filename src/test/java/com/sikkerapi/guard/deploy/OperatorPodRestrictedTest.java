package com.sikkerapi.guard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.testing.RestrictedProfile;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The operator's own pod, as deploy/ ships it, is one the restricted Pod Security profile admits. */
class OperatorPodRestrictedTest {
    @Test
    void theOperatorsPodPassesTheRestrictedProfileRuleByRule() throws IOException {
        Deployment operator = Serialization.unmarshal(Files.readString(Path.of("deploy/operator/deployment.yaml")),
                Deployment.class);
        assertThat(RestrictedProfile.violations(operator.getSpec().getTemplate().getSpec())).isEmpty();
    }
}
