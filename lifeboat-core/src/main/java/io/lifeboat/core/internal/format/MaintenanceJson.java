package io.lifeboat.core.internal.format;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.Id;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of the objects that coordinate maintenance with backups (format section 18):
 * session markers ({@code sessions/}) and prune plans ({@code prune/}). Both are stored
 * compressed and sealed like every object; unknown members are ignored.
 */
public final class MaintenanceJson {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private MaintenanceJson() {}

    /**
     * One refresh of a running session's marker.
     *
     * @param id        the object's name, null before it is stored
     * @param session   the session's random id; every refresh of one session carries it
     * @param kind      {@code backup} or {@code prune} (readers treat any other kind like a backup)
     * @param start     when the session began, by its host's clock
     * @param refreshed when this marker was written, by its host's clock
     */
    public record SessionMarker(Id id, String session, String kind, String hostname, String username, Instant start,
                                Instant refreshed) {
        public SessionMarker withId(Id newId) {
            return new SessionMarker(newId, session, kind, hostname, username, start, refreshed);
        }
    }

    /**
     * A prune plan: what phase 1 of a prune marked for deletion.
     *
     * @param time      when the plan was made, by the pruning host's clock
     * @param packs     packs to delete if they are still unused when the plan is carried out
     * @param snapshots soft-deleted snapshots past their grace period, to remove with their tombstones
     * @param maxClockSkew the clock skew the prune allows for (it waits for backups that began
     *        up to this long after {@code time}); null in a plan that does not say
     */
    public record PrunePlan(Id id, Instant time, String hostname, String username, List<Id> packs, List<Id> snapshots,
                            java.time.Duration maxClockSkew) {
        public PrunePlan {
            packs = List.copyOf(packs);
            snapshots = List.copyOf(snapshots);
        }

        public PrunePlan withId(Id newId) {
            return new PrunePlan(newId, time, hostname, username, packs, snapshots, maxClockSkew);
        }
    }

    public static byte[] encode(SessionMarker m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("version", VERSION);
        o.put("session", m.session());
        o.put("kind", m.kind());
        o.put("hostname", m.hostname());
        o.put("username", m.username());
        o.put("start", m.start().toString());
        o.put("refreshed", m.refreshed().toString());
        return write(o);
    }

    public static SessionMarker decodeSession(Id id, byte[] bytes) throws CorruptObjectException {
        try {
            JsonNode o = versioned(bytes, "session marker");
            return new SessionMarker(id, text(o, "session"), text(o, "kind"), o.path("hostname").asText(""),
                    o.path("username").asText(""), Instant.parse(text(o, "start")), Instant.parse(text(o, "refreshed")));
        } catch (DateTimeParseException e) {
            throw new CorruptObjectException("session marker has a malformed time: " + e.getMessage());
        }
    }

    public static byte[] encode(PrunePlan p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("version", VERSION);
        o.put("time", p.time().toString());
        o.put("hostname", p.hostname());
        o.put("username", p.username());
        var packs = o.putArray("packs");
        p.packs().forEach(id -> packs.add(id.hex()));
        var snapshots = o.putArray("snapshots");
        p.snapshots().forEach(id -> snapshots.add(id.hex()));
        if (p.maxClockSkew() != null) {
            o.put("maxClockSkew", p.maxClockSkew().toString());
        }
        return write(o);
    }

    public static PrunePlan decodePlan(Id id, byte[] bytes) throws CorruptObjectException {
        try {
            JsonNode o = versioned(bytes, "prune plan");
            java.time.Duration skew = o.path("maxClockSkew").isTextual()
                    ? java.time.Duration.parse(o.path("maxClockSkew").asText()) : null;
            return new PrunePlan(id, Instant.parse(text(o, "time")), o.path("hostname").asText(""),
                    o.path("username").asText(""), ids(o, "packs"), ids(o, "snapshots"), skew);
        } catch (DateTimeParseException e) {
            throw new CorruptObjectException("prune plan has a malformed time: " + e.getMessage());
        }
    }

    private static JsonNode versioned(byte[] bytes, String what) throws CorruptObjectException {
        JsonNode o;
        try {
            o = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new CorruptObjectException(what + " is not JSON: " + e.getMessage());
        }
        if (o == null || !o.isObject()) {
            throw new CorruptObjectException(what + " is not a JSON object");
        }
        int version = o.path("version").asInt(-1);
        if (version != VERSION) {
            throw new CorruptObjectException("unknown " + what + " version " + version);
        }
        return o;
    }

    private static String text(JsonNode o, String name) throws CorruptObjectException {
        JsonNode v = o.path(name);
        if (!v.isTextual()) {
            throw new CorruptObjectException("lacks its " + name);
        }
        return v.asText();
    }

    private static List<Id> ids(JsonNode o, String name) throws CorruptObjectException {
        JsonNode a = o.path(name);
        if (!a.isArray()) {
            throw new CorruptObjectException("lacks its " + name + " list");
        }
        List<Id> out = new ArrayList<>(a.size());
        for (JsonNode v : a) {
            try {
                out.add(Id.fromHex(v.asText()));
            } catch (IllegalArgumentException e) {
                throw new CorruptObjectException("malformed id in " + name + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static byte[] write(ObjectNode o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode JSON", e);
        }
    }
}
