package com.sikkerapi.guard.firewall;

/** A firewall step failed; the live set is as it was before the step. */
public class FirewallException extends RuntimeException {
    public FirewallException(String message) {
        super(message);
    }
}
