package com.sikkerapi.guard.bench;

import com.sikkerapi.guard.feed.ListCollector;
import com.sikkerapi.guard.feed.ListValidator;
import com.sikkerapi.guard.feed.PlainTextParser;
import com.sikkerapi.guard.feed.RejectedLines;
import com.sikkerapi.guard.feed.ValidationPolicy;
import com.sikkerapi.guard.feed.ValidationResult;
import com.sikkerapi.guard.net.CidrWriter;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The feed core in process, without JVM start-up: parse, validate (special ranges, aggregation) and format a file
 * held in memory, repeated; prints the median time and lines per second. A benchmark, not a test (make bench).
 */
public final class FeedCoreBench {
    private FeedCoreBench() {
    }

    public static void main(String[] args) throws Exception {
        byte[] input = Files.readAllBytes(Path.of(args[0]));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        long lines = 0;
        for (byte b : input) {
            lines += b == '\n' ? 1 : 0;
        }
        long[] nanos = new long[rounds];
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            ListCollector collector = new ListCollector(8, 32, RejectedLines.IGNORE);
            new PlainTextParser().parse(new ByteArrayInputStream(input), collector);
            ValidationResult result = ListValidator.validate(collector, ValidationPolicy.DEFAULTS, -1);
            CidrWriter.write(((ValidationResult.Accepted) result).blocked(), OutputStream.nullOutputStream());
            nanos[round] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        double median = nanos[rounds / 2] / 1e9;
        System.out.printf("%s %d %.4f %.0f%n", Path.of(args[0]).getFileName(), lines, median, lines / median);
    }
}
