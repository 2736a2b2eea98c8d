package io.lifeboat.core.internal.format;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.Id;
import io.lifeboat.core.Tombstone;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Tombstones are stored as UTF-8 JSON (then compressed and sealed, like every object):
 *
 * <pre>
 * {"version":1, "snapshot":"hex", "time":"2026-11-22T19:30:00.123456789Z",
 *  "hostname":"...", "username":"...", "reason":"..."}
 * </pre>
 *
 * Unknown fields are ignored so that later versions can add some.
 */
public final class TombstoneCodec {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private TombstoneCodec() {}

    public static byte[] encode(Tombstone t) {
        ObjectNode o = JSON.createObjectNode();
        o.put("version", VERSION);
        o.put("snapshot", t.snapshot().hex());
        o.put("time", t.time().toString());
        o.put("hostname", t.hostname());
        o.put("username", t.username());
        o.put("reason", t.reason());
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode tombstone", e);
        }
    }

    /** Decodes a tombstone and gives it {@code id}. */
    public static Tombstone decode(Id id, byte[] bytes) throws CorruptObjectException {
        try {
            JsonNode o = JSON.readTree(bytes);
            if (o == null || !o.isObject()) {
                throw new CorruptObjectException("tombstone is not a JSON object");
            }
            int version = o.path("version").asInt(-1);
            if (version != VERSION) {
                throw new CorruptObjectException("unknown tombstone version " + version);
            }
            if (!o.path("snapshot").isTextual() || !o.path("time").isTextual()) {
                throw new CorruptObjectException("tombstone lacks its snapshot or time");
            }
            return new Tombstone(id, Id.fromHex(o.path("snapshot").asText()), Instant.parse(o.path("time").asText()),
                    o.path("hostname").asText(""), o.path("username").asText(""), o.path("reason").asText(""));
        } catch (CorruptObjectException e) {
            throw e;
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
            throw new CorruptObjectException("tombstone does not decode: " + e.getMessage());
        }
    }
}
