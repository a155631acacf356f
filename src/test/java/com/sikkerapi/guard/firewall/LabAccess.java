package com.sikkerapi.guard.firewall;

import com.sikkerapi.guard.testing.NetNs;

/** The firewall tests' lab, for the agent tests in another package. */
public final class LabAccess implements AutoCloseable {
    public static final String NODE_A = Lab.NODE_A;
    public static final String ATTACKER = Lab.ATTACKER;
    public static final String NODE_A6 = Lab.NODE_A6;
    public static final String ATTACKER6 = Lab.ATTACKER6;
    public static final String NODE_G = Lab.NODE_G;
    public static final String GOOD = Lab.GOOD;

    private final Lab lab = new Lab();

    public NetNs node() {
        return lab.node;
    }

    public NetNs attacker() {
        return lab.attacker;
    }

    public NetNs good() {
        return lab.good;
    }

    public String snapshot() {
        return lab.snapshot();
    }

    @Override
    public void close() {
        lab.close();
    }
}
