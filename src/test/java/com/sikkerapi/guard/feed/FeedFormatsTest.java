package com.sikkerapi.guard.feed;

import static com.sikkerapi.guard.feed.Feeds.blocked;
import static com.sikkerapi.guard.feed.Feeds.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedFormatsTest {
    @Test
    void spamhausNdjsonReadsCidrsAndSkipsTheMetadataLine() {
        var run = validate("spamhaus-ndjson", """
                {"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}
                {"cidr":"2a06:e480::/32","sblid":"SBL301771","rir":"ripencc"}
                {"cidr":"010.0.0.0/8","sblid":"SBL1"}
                {"type":"metadata","timestamp":1722288318,"size":89461,"records":2,"copyright":"(c) 2024 The Spamhaus Project SLU"}
                """ + "{\"cidr\":\"9.9.9.0/24\"}\n".repeat(20), ValidationPolicy.DEFAULTS, -1);
        assertThat(run.rejected()).containsExactly("line 3: not a strict IPv4 address: 010.0.0.0/8");
        assertThat(blocked(run.result())).containsExactly("1.10.16.0/20", "9.9.9.0/24", "2a06:e480::/32");
    }

    @Test
    void jsonWithAPathToTheAddressField() {
        var run = validate("json:data[].ip_address", """
                {"meta": {"count": 3, "ip_address": "6.6.6.6"},
                 "data": [
                   {"ip_address": "1.2.3.4", "score": 90},
                   {"score": 80, "ip_address": "2001:67c::1"},
                   {"ip_address": 12345},
                   {"ip_address": "5.6.7.8", "nested": {"ip_address": "7.7.7.7"}}
                 ]}
                """, new ValidationPolicy(2, 8, 32, 0.5, com.sikkerapi.guard.net.AddressSet.EMPTY), -1);
        assertThat(blocked(run.result())).containsExactly("1.2.3.4", "5.6.7.8", "2001:67c::1");
        assertThat(run.rejected()).containsExactly("line 5: not a string at the json path: VALUE_NUMBER_INT");
        assertThat(blocked(validate("json:[]", "[\"4.4.4.4\", \"4.4.4.5\"]", ValidationPolicy.DEFAULTS, -1)
                .result())).containsExactly("4.4.4.4/31");
    }

    @Test
    void csvByHeaderNameOrColumnNumber() {
        String csv = """
                ip,score,"comment, with comma"
                1.2.3.4,90,"ssh, brute force"
                "2001:67c::1",80,x
                5.6.7.8,70,
                """;
        assertThat(blocked(validate("csv:ip", csv, ValidationPolicy.DEFAULTS, -1).result()))
                .containsExactly("1.2.3.4", "5.6.7.8", "2001:67c::1");
        assertThat(blocked(validate("csv:1", csv, ValidationPolicy.DEFAULTS, -1).result()))
                .as("a header row under a numbered column is skipped, not counted bad")
                .containsExactly("1.2.3.4", "5.6.7.8", "2001:67c::1");
        assertThat(validate("csv:1", csv, ValidationPolicy.DEFAULTS, -1).result().counts().invalidLines()).isZero();
    }

    @Test
    void unknownFormatsAndMissingArgumentsAreUsageErrors() {
        assertThatThrownBy(() -> FeedParser.forFormat("xml")).hasMessageContaining("unknown format xml");
        assertThatThrownBy(() -> FeedParser.forFormat("json")).hasMessageContaining("needs a path");
        assertThatThrownBy(() -> FeedParser.forFormat("csv:")).hasMessageContaining("needs a column");
    }

    @Test
    void plainHandlesLongLinesCrlfAndNoFinalNewline() {
        String longComment = "# " + "x".repeat(200_000) + "\r\n";
        var run = validate("plain", longComment + "1.2.3.4\r\n5.6.7.8", ValidationPolicy.DEFAULTS, -1);
        assertThat(blocked(run.result())).containsExactly("1.2.3.4", "5.6.7.8");
    }

    @Test
    void aLineLongerThanTheCapIsOneInvalidLineAndTheBufferNeverGrows() throws Exception {
        // 128 MiB on one line (under the hub's 256 MiB body cap) between two addresses, streamed: never held whole.
        long huge = 128L << 20;
        java.io.InputStream body = new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(
                new java.io.ByteArrayInputStream("1.2.3.4\n".getBytes(StandardCharsets.US_ASCII)),
                new java.io.InputStream() {
                    private long left = huge;

                    @Override
                    public int read() {
                        return left-- > 0 ? 'x' : -1;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (left <= 0) {
                            return -1;
                        }
                        int n = (int) Math.min(len, left);
                        java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                        left -= n;
                        return n;
                    }
                },
                new java.io.ByteArrayInputStream(("\n" + "5.6.7.8\n".repeat(20)).getBytes(StandardCharsets.US_ASCII)))));
        List<String> reasons = new java.util.ArrayList<>();
        ListCollector collector = new ListCollector(8, 32, (source, line, reason, text) -> reasons.add(
                "line " + line + ": " + reason + ": " + text));
        new PlainTextParser().parse(body, collector);
        assertThat(reasons).containsExactly("line 2: line longer than 65536 bytes: ");
        assertThat(collector.entries()).isEqualTo(21);
        assertThat(collector.invalidLines()).isEqualTo(1);
    }

    @Test
    void formatErrorsNameAPlaceNeverTheBodysContent() throws Exception {
        var csv = new java.io.ByteArrayInputStream("secret-header-a,secret-header-b\n1.2.3.4,x\n"
                .getBytes(StandardCharsets.US_ASCII));
        var collector = new ListCollector(8, 32, RejectedLines.IGNORE);
        var csvError = org.assertj.core.api.Assertions.catchThrowable(() -> FeedParser.forFormat("csv:ip")
                .parse(csv, collector));
        assertThat(FeedFormatException.reason(csvError)).isEqualTo("the csv header has no column ip (line 1, 2 "
                + "columns)");
        var json = new java.io.ByteArrayInputStream("{\"a\": secret-token-value}".getBytes(StandardCharsets.US_ASCII));
        var jsonError = org.assertj.core.api.Assertions.catchThrowable(() -> FeedParser.forFormat("json:[].ip")
                .parse(json, collector));
        assertThat(jsonError.getMessage()).as("the parser's own message quotes the body").contains("secret");
        assertThat(FeedFormatException.reason(jsonError)).startsWith("not valid JSON at line 1, column")
                .doesNotContain("secret");
    }
}
