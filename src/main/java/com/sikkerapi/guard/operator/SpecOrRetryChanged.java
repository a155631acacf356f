package com.sikkerapi.guard.operator;

import com.sikkerapi.guard.api.ThreatBlocklist;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;

/**
 * Which updates of a ThreatBlocklist start a reconcile: a new generation (the spec), as with generation-aware
 * processing, and a new value of the rollout's retry annotation, which an admin sets to restart a halted rollout
 * and which changes no generation. The operator's own status writes start nothing.
 */
public class SpecOrRetryChanged implements OnUpdateFilter<ThreatBlocklist> {
    @Override
    public boolean accept(ThreatBlocklist now, ThreatBlocklist before) {
        return !Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration())
                || !Objects.equals(Rollouts.retry(now), Rollouts.retry(before));
    }
}
