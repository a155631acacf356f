package com.sikkerapi.guard.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sikkerapi.guard.testing.KubeApiServer;
import com.sikkerapi.guard.testing.Manifests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * A million scattered IPv4 entries, encoded (ListEncoding) and cut into ConfigMap binaryData parts, are taken by a
 * real kube-apiserver (which refuses an object over 1 MiB) and come back, joined and checked against the digest,
 * as the same list: the distribution path one pull per cluster needs.
 */
@Tag("real-apiserver")
class ListPartsOnRealApiServerTest {
    private static final KubeApiServer SERVER = KubeApiServer.shared();
    private static final int PART = 900 * 1024;

    @Test
    void aMillionEntriesFitInPartsAndComeBackVerified() {
        SERVER.kubectlStdin(Manifests.namespace("list-parts"), "apply", "-f", "-").check();
        Random random = new Random(1);
        Ipv4RangeSet.Builder v4 = new Ipv4RangeSet.Builder();
        for (int i = 0; i < 1_000_000; i++) {
            long address = random.nextLong() & 0xffffffffL;
            v4.add(address, address);
        }
        AddressSet list = new AddressSet(v4.build(), Ipv6RangeSet.EMPTY);
        byte[] encoded = ListEncoding.encode(list);
        String digest = ListEncoding.digest(encoded);
        List<byte[]> parts = ListEncoding.split(encoded, PART);
        try (KubernetesClient client = SERVER.client()) {
            for (int i = 0; i < parts.size(); i++) {
                client.configMaps().inNamespace("list-parts").resource(new ConfigMapBuilder().withNewMetadata()
                        .withName("edge-list-" + (i + 1)).addToAnnotations("guard.sikkerapi.com/list-digest", digest)
                        .endMetadata().withImmutable(true)
                        .withBinaryData(Map.of("part", Base64.getEncoder().encodeToString(parts.get(i)))).build())
                        .create();
            }
            List<byte[]> read = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                ConfigMap part = client.configMaps().inNamespace("list-parts").withName("edge-list-" + (i + 1)).get();
                assertThat(part.getMetadata().getAnnotations()).containsEntry("guard.sikkerapi.com/list-digest", digest);
                read.add(Base64.getDecoder().decode(part.getBinaryData().get("part")));
            }
            AddressSet back = ListEncoding.decode(ListEncoding.join(read, digest));
            assertThat(back.v4().rangeCount()).isEqualTo(list.v4().rangeCount());
            assertThat(ListEncoding.encode(back)).isEqualTo(encoded);

            // The whole list in one object is more than the API server takes.
            assertThatThrownBy(() -> client.configMaps().inNamespace("list-parts").resource(new ConfigMapBuilder()
                    .withNewMetadata().withName("edge-list-whole").endMetadata()
                    .withBinaryData(Map.of("part", Base64.getEncoder().encodeToString(encoded))).build()).create())
                    .isInstanceOf(KubernetesClientException.class);
            System.out.printf("1,000,000 IPv4 entries: %,d bytes in %d ConfigMaps of at most %,d%n", encoded.length,
                    parts.size(), PART);
        }
    }
}
