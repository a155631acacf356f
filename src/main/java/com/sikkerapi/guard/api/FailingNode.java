package com.sikkerapi.guard.api;

public record FailingNode(String node, String reason, String message) {
}
