package io.lifeboat.core.internal.format;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.Id;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.Snapshot.Summary;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Snapshots are stored as UTF-8 JSON (then compressed and sealed). Layout:
 *
 * <pre>
 * {"version":1, "time":"2026-11-22T19:30:00.123456789Z", "hostname":"...", "username":"...",
 *  "paths":["/abs/path"], "tags":{"k":"v"}, "asset":"name"|null, "kind":"dataset"|null,
 *  "parent":"hex"|null, "tree":"hex", "program":"lifeboat 0.1.0",
 *  "summary":{"files":..,"dirs":..,"symlinks":..,"totalBytes":..,"filesNew":..,"filesChanged":..,
 *             "filesUnmodified":..,"bytesRead":..,"blobsAdded":..,"bytesAdded":..,
 *             "storedBytesAdded":..,"durationMillis":..,"warnings":..}}
 * </pre>
 *
 * Unknown fields are ignored so that later versions can add some.
 */
public final class SnapshotCodec {
    static final int VERSION = 1;
    /** Unknown fields, also inside "summary", are ignored: later versions may add some. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private SnapshotCodec() {}

    public static byte[] encode(Snapshot s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("version", VERSION);
        o.put("time", s.time().toString());
        o.put("hostname", s.hostname());
        o.put("username", s.username());
        ArrayNode paths = o.putArray("paths");
        s.paths().forEach(paths::add);
        ObjectNode tags = o.putObject("tags");
        s.tags().forEach(tags::put);
        o.put("asset", s.asset());
        o.put("kind", s.kind());
        o.put("parent", s.parent() == null ? null : s.parent().hex());
        o.put("tree", s.tree().hex());
        o.put("program", s.program());
        o.set("summary", JSON.valueToTree(s.summary()));
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode snapshot", e);
        }
    }

    /** Decodes a snapshot and gives it {@code id}. */
    public static Snapshot decode(Id id, byte[] bytes) throws CorruptObjectException {
        try {
            JsonNode o = JSON.readTree(bytes);
            if (o == null || !o.isObject()) {
                throw new CorruptObjectException("snapshot is not a JSON object");
            }
            int version = o.path("version").asInt(-1);
            if (version != VERSION) {
                throw new CorruptObjectException("unknown snapshot version " + version);
            }
            List<String> paths = new ArrayList<>();
            o.path("paths").forEach(p -> paths.add(p.asText()));
            Map<String, String> tags = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.path("tags").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                tags.put(e.getKey(), e.getValue().asText());
            }
            Summary summary = o.hasNonNull("summary") ? JSON.treeToValue(o.get("summary"), Summary.class) : Summary.EMPTY;
            return new Snapshot(id, Instant.parse(text(o, "time")), text(o, "hostname"), text(o, "username"), paths,
                    new TreeMap<>(tags), textOrNull(o, "asset"), textOrNull(o, "kind"), idOrNull(o, "parent"),
                    Id.fromHex(text(o, "tree")), textOrNull(o, "program"), summary);
        } catch (CorruptObjectException e) {
            throw e;
        } catch (IOException | DateTimeParseException | IllegalArgumentException | NullPointerException e) {
            throw new CorruptObjectException("malformed snapshot: " + e.getMessage());
        }
    }

    private static String text(JsonNode o, String field) throws CorruptObjectException {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            throw new CorruptObjectException("snapshot lacks '" + field + "'");
        }
        return n.asText();
    }

    private static String textOrNull(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Id idOrNull(JsonNode o, String field) {
        String s = textOrNull(o, field);
        return s == null ? null : Id.fromHex(s);
    }
}
