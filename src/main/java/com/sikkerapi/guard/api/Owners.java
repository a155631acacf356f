package com.sikkerapi.guard.api;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Whose an object is, by its owner references. */
public final class Owners {
    private Owners() {
    }

    /**
     * {@code object} when the owner with {@code uid} holds it, else null: a blocklist deleted and made again under
     * the same name finds its predecessor's objects until the garbage collector takes them, and must not take
     * their digest, baseline or record for its own.
     */
    public static <T extends HasMetadata> T ownedBy(T object, String uid) {
        if (object == null || uid == null || object.getMetadata().getOwnerReferences() == null) {
            return null;
        }
        return object.getMetadata().getOwnerReferences().stream().anyMatch(owner -> uid.equals(owner.getUid()))
                ? object : null;
    }
}
