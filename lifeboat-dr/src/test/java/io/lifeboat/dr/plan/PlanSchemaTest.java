package io.lifeboat.dr.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON Schema for editors: valid JSON of draft 2020-12, every key the reader knows and
 * no other, and the copy in docs/ up to date.
 */
class PlanSchemaTest {
    private static final Path DOCS = Path.of("..", "docs");
    private static final Path SCHEMA_COPY = DOCS.resolve("lifeboat.schema.json");

    private static JsonNode schema() throws IOException {
        return new ObjectMapper().readTree(PlanSchema.jsonSchema());
    }

    /** The schema of a key path such as {@code sites[].probes[].timeout}. */
    private static JsonNode at(JsonNode schema, String keyPath) {
        JsonNode node = schema;
        for (String part : keyPath.split("\\.")) {
            boolean item = part.endsWith("[]");
            String key = item ? part.substring(0, part.length() - 2) : part;
            node = resolve(schema, node).path("properties").path(key);
            if (item) {
                node = resolve(schema, node).path("items");
            }
        }
        return resolve(schema, node);
    }

    private static JsonNode resolve(JsonNode schema, JsonNode node) {
        String ref = node.path("$ref").asText("");
        return ref.isEmpty() ? node : schema.at(ref.substring(1));
    }

    @Test
    void isDraft2020JsonWithDescriptions() throws IOException {
        JsonNode schema = schema();
        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(schema.path("required")).extracting(JsonNode::asText).containsExactly("version", "sites");
        assertThat(PlanSchema.jsonSchema()).endsWith("}\n").doesNotContain("\r").contains("\"type\": \"object\"");
    }

    @Test
    void listsEveryKeyTheReaderKnows() throws IOException {
        JsonNode schema = schema();
        for (String key : PlanSchema.keys()) {
            String parent = key.contains(".") ? key.substring(0, key.lastIndexOf('.')) : "";
            String name = key.substring(key.lastIndexOf('.') + 1);
            JsonNode object = parent.isEmpty() ? schema : at(schema, parent);
            assertThat(object.path("properties").has(name)).as(key).isTrue();
            assertThat(object.path("additionalProperties").asBoolean(true)).as("no other key beside " + key).isFalse();
            assertThat(object.path("properties").path(name).path("description").asText()).as(key).isNotBlank();
        }
        // And by hand, a few the issue names.
        assertThat(at(schema, "sites[].role").path("enum")).extracting(JsonNode::asText)
                .containsExactly("primary", "secondary");
        assertThat(at(schema, "sites[].standby").path("enum")).extracting(JsonNode::asText)
                .containsExactly("hot", "warm", "cold");
        assertThat(at(schema, "assets[].policy.replicate-to").path("type").asText()).isEqualTo("array");
        assertThat(at(schema, "assets[].policy.retention.keep-daily").path("type").asText()).isEqualTo("integer");
        assertThat(at(schema, "sites[].probes[].expect-status").path("default").asInt()).isEqualTo(200);
        assertThat(at(schema, "version").path("const").asInt()).isEqualTo(1);
        assertThat(at(schema, "assets[]").path("oneOf")).hasSize(4);
        assertThat(PlanSchema.keys()).contains("sites[].repository", "sites[].password-file", "assets[].stream-name",
                "assets[].policy.retention-lock", "assets[].policy.residency");
    }

    @Test
    void theFullFixtureWritesEveryKeyAndTheReaderReadsThem() {
        PlanReader.Result result = PlanReader.parse(PlanFixtures.FULL, Path.of("lifeboat.yaml"));
        assertThat(result.problems()).isEmpty();
        Set<String> written = new TreeSet<>();
        for (String path : result.plan().locations().paths()) {
            String keyPath = path.replaceAll("\\[\\d+]", "[]");
            if (!keyPath.isEmpty() && !keyPath.endsWith("[]")) {
                written.add(keyPath);
            }
        }
        assertThat(written).containsExactlyInAnyOrderElementsOf(PlanSchema.keys());
    }

    @ParameterizedTest
    @ValueSource(strings = {"90s", "15m", "1h30m", "2w3d", "0 3 * * *", "*/15 * * * mon-fri", "@daily"})
    void schedulePatternAcceptsWhatTheReaderAccepts(String schedule) throws IOException {
        Schedule.parse(schedule);
        assertThat(pattern("assets[].policy.schedule").matcher(schedule).find()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"90", "15M", "1.5h", "soon", "0 3 * *"})
    void schedulePatternRefusesWhatTheReaderRefuses(String schedule) throws IOException {
        assertThat(pattern("assets[].policy.schedule").matcher(schedule).find()).isFalse();
    }

    @Test
    void namePatternsAreTheReadersRules() throws IOException {
        Pattern jurisdiction = pattern("sites[].jurisdiction");
        assertThat(jurisdiction.matcher("eu-west").find()).isTrue();
        assertThat(jurisdiction.matcher("EU").find()).isFalse();
        assertThat(jurisdiction.matcher("global").find()).isFalse();
        Pattern name = pattern("sites[].name");
        assertThat(name.matcher("eu-west.2").find()).isTrue();
        assertThat(name.matcher("-eu").find()).isFalse();
        assertThat(name.matcher("eu west").find()).isFalse();
    }

    private static Pattern pattern(String key) throws IOException {
        return Pattern.compile(at(schema(), key).path("pattern").asText());
    }

    /**
     * Editors read the copy in docs/; after a change to the model, regenerate it with
     * {@code -Dlifeboat.update-schema=true} (or {@code lifeboat plan schema > docs/lifeboat.schema.json}).
     */
    @Test
    void theCopyInDocsIsUpToDate() throws IOException {
        String schema = PlanSchema.jsonSchema();
        if (Boolean.getBoolean("lifeboat.update-schema")) {
            Files.writeString(SCHEMA_COPY, schema, StandardCharsets.UTF_8);
        }
        if (!Files.exists(SCHEMA_COPY) || !Files.readString(SCHEMA_COPY, StandardCharsets.UTF_8).equals(schema)) {
            fail(SCHEMA_COPY.toAbsolutePath().normalize() + " is out of date: run this test with"
                    + " -Dlifeboat.update-schema=true, or 'lifeboat plan schema > docs/lifeboat.schema.json'");
        }
    }
}
