package com.sikkerapi.guard.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * crds/ must be exactly what the Java types generate (the same generator and post-processor the build runs), so a
 * cluster admin installing crds/ gets the schema the operator was built against. `make crds` regenerates them by
 * running this test with -Dsikkerguard.updateCrds=true.
 */
class CrdsUpToDateTest {
    private static final Path CRDS = Path.of("crds");

    @TempDir
    Path generated;

    @Test
    void crdsFolderMatchesTheJavaTypes() throws IOException {
        new CRDGenerator().customResourceClasses(ThreatBlocklist.class, ThreatBlocklistNode.class,
                        ThreatBlocklistPolicy.class)
                .withPostProcessor(new PrinterColumnOrder()).forCRDVersions("v1").inOutputDir(generated.toFile())
                .generate();
        List<Path> files;
        try (Stream<Path> list = Files.list(generated)) {
            files = list.sorted().toList();
        }
        assertThat(files).hasSize(3);
        if (Boolean.getBoolean("sikkerguard.updateCrds")) {
            Files.createDirectories(CRDS);
            for (Path file : files) {
                Files.copy(file, CRDS.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (Path file : files) {
            Path committed = CRDS.resolve(file.getFileName());
            assertThat(committed).as("%s exists; run make crds", committed).exists();
            assertThat(Files.readString(committed))
                    .as("%s is stale: run make crds and commit the result", committed)
                    .isEqualTo(Files.readString(file));
        }
    }
}
