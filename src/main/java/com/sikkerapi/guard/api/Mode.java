package com.sikkerapi.guard.api;

public enum Mode {
    Enforcing,
    DryRun
}
