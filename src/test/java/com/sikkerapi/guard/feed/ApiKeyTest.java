package com.sikkerapi.guard.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What counts as a SikkerAPI key, and what its refusal says. */
class ApiKeyTest {
    @TempDir
    Path dir;

    @Test
    void oneWordOfVisibleAsciiIsAKeyWithItsSurroundingWhitespaceLeftOut() throws Exception {
        Path file = Files.writeString(dir.resolve("api-key"), "  sk_live_7Fq2-x.y~z\n");
        assertThat(ApiKey.read(file)).isEqualTo("sk_live_7Fq2-x.y~z");
    }

    @Test
    void aKeyWithANewlineIsRefusedWithAReasonThatHoldsNoneOfIt() throws Exception {
        Path file = Files.writeString(dir.resolve("api-key"), "sk-first-half\nsk-second-half\n");
        assertThatThrownBy(() -> ApiKey.read(file)).isInstanceOf(ApiKey.Invalid.class)
                .hasMessageContaining("not visible ASCII (at position 14)").hasMessageNotContaining("sk-")
                .hasMessageNotContaining("half");
    }

    @Test
    void controlAndNonAsciiCharactersAreRefused() throws Exception {
        assertThatThrownBy(() -> ApiKey.read(Files.writeString(dir.resolve("tab"), "ab\tcd")))
                .isInstanceOf(ApiKey.Invalid.class);
        assertThatThrownBy(() -> ApiKey.read(Files.write(dir.resolve("latin"), new byte[] {'a', (byte) 0xe9})))
                .isInstanceOf(ApiKey.Invalid.class);
        assertThatThrownBy(() -> ApiKey.read(Files.writeString(dir.resolve("empty"), " \n")))
                .isInstanceOf(ApiKey.Invalid.class).hasMessageContaining("is empty");
    }
}
