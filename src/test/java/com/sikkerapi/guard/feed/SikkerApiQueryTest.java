package com.sikkerapi.guard.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.sikkerapi.guard.api.IpVersion;
import com.sikkerapi.guard.api.SecretKeyRef;
import com.sikkerapi.guard.api.SikkerApiSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class SikkerApiQueryTest {
    @Test
    void carriesEveryFilterOfTheSpecAndNoKey() {
        SikkerApiSource source = new SikkerApiSource();
        source.setEndpoint("https://api.sikkerapi.com/");
        source.setApiKeySecretRef(new SecretKeyRef("k", "api-key"));
        source.setScoreMinimum(80);
        source.setProtocols(List.of("ssh", "http"));
        source.setIpVersion(IpVersion.V4);
        source.setOnlyCountries(List.of("CN", "RU"));
        source.setExceptAsn(List.of(13335L));
        source.setLimit(50000);
        assertThat(SikkerApiQuery.blacklist(source)).hasToString("https://api.sikkerapi.com/v1/key/blacklist?"
                + "plaintext=true&scoreMinimum=80&ipVersion=4&protocols=ssh,http&onlyCountries=CN,RU"
                + "&exceptAsn=AS13335&limit=50000");
    }

    @Test
    void defaultsAskForTheMixedListAtScoreFifty() {
        SikkerApiSource source = new SikkerApiSource();
        assertThat(SikkerApiQuery.blacklist(source)).hasToString(
                "https://api.sikkerapi.com/v1/key/blacklist?plaintext=true&scoreMinimum=50&ipVersion=mixed");
    }
}
