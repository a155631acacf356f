package com.sikkerapi.guard.feed;

/** Receives what a feed parser finds, line by line: entries as primitives, and lines it could not read. */
public interface EntrySink {
    void v4(long address, int prefix, int line);

    void v6(long hi, long lo, int prefix, int line);

    /** A line that holds something, but not a strict address or network. */
    void invalid(int line, String reason, String text);
}
