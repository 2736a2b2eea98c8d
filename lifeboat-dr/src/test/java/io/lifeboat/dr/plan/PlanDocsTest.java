package io.lifeboat.dr.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/plan.md tells the truth: every key has a row, and its examples read as it says. */
class PlanDocsTest {
    private static String doc;

    @BeforeAll
    static void read() throws IOException {
        doc = Files.readString(Path.of("..", "docs", "plan.md"), StandardCharsets.UTF_8);
    }

    /** The first fenced block of {@code kind} after {@code marker}. */
    private static String block(String marker, String kind) {
        int at = doc.indexOf(marker);
        assertThat(at).as(marker).isNotNegative();
        int start = doc.indexOf("```" + kind + "\n", at) + kind.length() + 4;
        return doc.substring(start, doc.indexOf("```", start));
    }

    @Test
    void everyKeyHasATableRow() {
        List<String> missing = new ArrayList<>();
        for (String key : PlanSchema.keys()) {
            String name = key.substring(key.lastIndexOf('.') + 1).replace("[]", "");
            if (!doc.contains("| `" + name + "` |")) {
                missing.add(key);
            }
        }
        assertThat(missing).as("keys without a row in docs/plan.md").isEmpty();
    }

    @Test
    void theCompleteExampleIsValid() {
        PlanReader.Result result = PlanReader.parse(block("## A complete example", "yaml"), Path.of("lifeboat.yaml"));
        assertThat(result.problems()).isEmpty();
        assertThat(result.plan().sites()).hasSize(3);
        assertThat(result.plan().assets()).hasSize(4);
    }

    @Test
    void theValidationExamplePrintsWhatTheDocSays() {
        PlanReader.Result result = PlanReader.parse(block("then a summary. For this plan:", "yaml"),
                Path.of("lifeboat.yaml"));
        List<String> printed = new ArrayList<>(result.problems().stream().map(Problem::toString).toList());
        printed.add("lifeboat.yaml: " + result.errors().size() + " errors, " + result.warnings().size() + " warning");
        assertThat(block("it prints", "").lines().toList()).isEqualTo(printed);
    }
}
