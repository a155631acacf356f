package com.sikkerapi.guard.net;

/** Network masks as primitive words. */
final class Masks {
    private Masks() {
    }

    static long v4Mask(int prefix) {
        return prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    }

    static long v6HighMask(int prefix) {
        if (prefix >= 64) {
            return -1L;
        }
        return prefix == 0 ? 0 : -1L << (64 - prefix);
    }

    static long v6LowMask(int prefix) {
        if (prefix <= 64) {
            return 0;
        }
        return prefix == 128 ? -1L : -1L << (128 - prefix);
    }
}
