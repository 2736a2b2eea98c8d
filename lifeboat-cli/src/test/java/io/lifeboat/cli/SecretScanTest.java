package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner SecretsTest relies on finds what it must, and never quotes what it found. */
class SecretScanTest {
    @TempDir
    Path tmp;

    private final String value = SecretScan.randomValue();
    private final SecretScan scan = new SecretScan().add("token", value);

    @Test
    void aValueIsFoundAsItIsAndHexOrBase64EncodedAndTheFailureDoesNotQuoteIt() {
        byte[] raw = value.getBytes(StandardCharsets.UTF_8);
        for (String leak : new String[] {"key=" + value + "\n", HexFormat.of().formatHex(raw),
                HexFormat.of().withUpperCase().formatHex(raw), "{\"v\":\"" + Base64.getEncoder().encodeToString(raw) + "\"}",
                Base64.getUrlEncoder().encodeToString(raw)}) {
            assertThatThrownBy(() -> scan.assertClean(leak, "output")).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("secret 'token'").hasMessageContaining("appears in output")
                    .hasMessageNotContaining(value).hasMessageNotContaining(leak.strip());
        }
        scan.assertClean("key=" + value.substring(1), "output");
    }

    @Test
    void filesAreScannedExceptTheAllowedOnes() throws Exception {
        Path allowed = Files.writeString(tmp.resolve("restored"), value);
        Files.writeString(tmp.resolve("clean.log"), "nothing here\n");
        scan.assertCleanFiles(tmp, Set.of(allowed));

        Path log = Files.createDirectories(tmp.resolve("logs")).resolve("debug.log");
        Files.write(log, ("token: " + value).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> scan.assertCleanFiles(tmp, Set.of(allowed))).hasMessageContaining(log.toString());
    }

    @Test
    void commandsAreKnownByTheirPathInMainsTree() {
        assertThat(SecretScan.commandPath("key", "list", "--json")).isEqualTo("key list");
        assertThat(SecretScan.commandPath("restore", "latest", "--target", "list")).isEqualTo("restore");
        assertThat(SecretScan.commandPath("repair", "index", "--dry-run")).isEqualTo("repair index");
        assertThat(SecretScan.commandPath("--help")).isEmpty();
        assertThat(scan.notRun(Map.of())).contains("init", "backup", "key list", "asset list", "repair index")
                .doesNotContain("key", "repair");
    }
}
