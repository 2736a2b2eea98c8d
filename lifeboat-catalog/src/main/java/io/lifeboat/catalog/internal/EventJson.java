package io.lifeboat.catalog.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.catalog.CatalogEvent;
import io.lifeboat.catalog.CatalogEvent.AliasSet;
import io.lifeboat.catalog.CatalogEvent.Lineage;
import io.lifeboat.catalog.CatalogEvent.RecoveryPointCreated;
import io.lifeboat.catalog.CatalogEvent.Registered;
import io.lifeboat.catalog.CatalogEvent.VersionDeleted;
import io.lifeboat.catalog.CatalogEvent.VersionUndeleted;
import io.lifeboat.catalog.RecoveryPoint;
import io.lifeboat.core.Id;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The JSON of catalog events (docs/format.md, "Catalog"). Every event is one object with
 * {@code v} (format version, 1), {@code type}, {@code time} (ISO-8601), {@code who} and the
 * members of its type. Readers ignore members they do not know; an event of a newer
 * {@code v} or an unknown {@code type} is reported, not guessed at.
 */
public final class EventJson {
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventJson() {}

    /** Thrown for bytes that are not a catalog event this version understands. */
    public static final class UnreadableEventException extends IOException {
        public UnreadableEventException(String message) {
            super(message);
        }
    }

    public static byte[] encode(CatalogEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", VERSION);
        o.put("type", type(e));
        o.put("time", e.time().toString());
        o.put("who", e.who());
        switch (e) {
            case Registered r -> {
                o.put("model", r.model());
                o.put("version", r.version());
                o.put("snapshot", r.snapshot().hex());
                ObjectNode metrics = o.putObject("metrics");
                r.metrics().forEach(metrics::put);
                ObjectNode params = o.putObject("params");
                r.params().forEach(params::put);
                if (r.lineage() != null) {
                    ObjectNode l = o.putObject("dataset");
                    l.put("snapshot", r.lineage().datasetSnapshot().hex());
                    putNullable(l, "asset", r.lineage().datasetAsset());
                    putNullable(l, "ref", r.lineage().datasetRef());
                }
                putNullable(o, "codeRev", r.codeRev());
            }
            case AliasSet a -> {
                o.put("model", a.model());
                o.put("alias", a.alias());
                o.put("version", a.version());
                o.put("previous", a.previous());
            }
            case VersionDeleted d -> {
                o.put("model", d.model());
                o.put("version", d.version());
                o.put("reason", d.reason());
            }
            case VersionUndeleted u -> {
                o.put("model", u.model());
                o.put("version", u.version());
            }
            case CatalogEvent.PlanApplied pa -> {
                o.put("digest", pa.digest());
                o.put("text", pa.text());
            }
            case RecoveryPointCreated rp -> {
                o.put("name", rp.name());
                ArrayNode members = o.putArray("members");
                for (RecoveryPoint.Member m : rp.members()) {
                    ObjectNode mo = members.addObject();
                    mo.put("asset", m.asset());
                    putNullable(mo, "kind", m.kind());
                    mo.put("snapshot", m.snapshot().hex());
                    mo.put("role", m.role().json());
                    putNullable(mo, "model", m.model());
                    mo.put("version", m.version());
                }
                ArrayNode registry = o.putArray("registry");
                for (RecoveryPoint.ModelState s : rp.registry()) {
                    ObjectNode so = registry.addObject();
                    so.put("model", s.model());
                    ObjectNode aliases = so.putObject("aliases");
                    s.aliases().forEach(aliases::put);
                    ObjectNode versions = so.putObject("versions");
                    s.versions().forEach((v, id) -> versions.put(Integer.toString(v), id.hex()));
                }
            }
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e2) {
            throw new IllegalStateException("cannot write JSON", e2);
        }
    }

    /**
     * Reads an event stored under {@code id}.
     *
     * @throws UnreadableEventException if it is not JSON, is of a newer format or an unknown type,
     *                                  or misses a member its type needs
     */
    public static CatalogEvent decode(Id id, byte[] bytes) throws UnreadableEventException {
        JsonNode o;
        try {
            o = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UnreadableEventException("not JSON: " + e.getMessage());
        }
        if (o == null || !o.isObject()) {
            throw new UnreadableEventException("not a JSON object");
        }
        int v = o.path("v").asInt(-1);
        if (v != VERSION) {
            throw new UnreadableEventException("event format " + v + " is not one this Lifeboat reads (it reads "
                    + VERSION + "); upgrade Lifeboat");
        }
        try {
            Instant time = Instant.parse(text(o, "time"));
            String who = text(o, "who");
            String type = text(o, "type");
            return switch (type) {
                case "register" -> new Registered(id, time, who, text(o, "model"), integer(o, "version"),
                        Id.fromHex(text(o, "snapshot")), metrics(o.path("metrics")), strings(o.path("params")),
                        lineage(o.get("dataset")), nullable(o, "codeRev"));
                case "alias" -> new AliasSet(id, time, who, text(o, "model"), text(o, "alias"), integer(o, "version"),
                        o.path("previous").asInt(0));
                case "delete" -> new VersionDeleted(id, time, who, text(o, "model"), integer(o, "version"),
                        nullable(o, "reason"));
                case "undelete" -> new VersionUndeleted(id, time, who, text(o, "model"), integer(o, "version"));
                case "plan" -> new CatalogEvent.PlanApplied(id, time, who, text(o, "digest"), text(o, "text"));
                case "recovery-point" -> new RecoveryPointCreated(id, time, who, text(o, "name"), members(o.path("members")),
                        registry(o.path("registry")));
                default -> throw new UnreadableEventException("unknown event type '" + type + "' (written by a newer Lifeboat?)");
            };
        } catch (java.time.format.DateTimeParseException | IllegalArgumentException | NullPointerException e) {
            throw new UnreadableEventException("malformed event: " + e.getMessage());
        }
    }

    static String type(CatalogEvent e) {
        return switch (e) {
            case Registered r -> "register";
            case AliasSet a -> "alias";
            case VersionDeleted d -> "delete";
            case VersionUndeleted u -> "undelete";
            case RecoveryPointCreated rp -> "recovery-point";
            case CatalogEvent.PlanApplied pa -> "plan";
        };
    }

    private static List<RecoveryPoint.Member> members(JsonNode array) throws UnreadableEventException {
        List<RecoveryPoint.Member> out = new ArrayList<>();
        for (JsonNode m : array) {
            out.add(new RecoveryPoint.Member(text(m, "asset"), nullable(m, "kind"), Id.fromHex(text(m, "snapshot")),
                    RecoveryPoint.Role.fromJson(text(m, "role")), nullable(m, "model"), m.path("version").asInt(0)));
        }
        return out;
    }

    private static List<RecoveryPoint.ModelState> registry(JsonNode array) throws UnreadableEventException {
        List<RecoveryPoint.ModelState> out = new ArrayList<>();
        for (JsonNode s : array) {
            SortedMap<String, Integer> aliases = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = s.path("aliases").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> a = it.next();
                aliases.put(a.getKey(), a.getValue().asInt());
            }
            SortedMap<Integer, Id> versions = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = s.path("versions").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                versions.put(Integer.parseInt(e.getKey()), Id.fromHex(e.getValue().asText()));
            }
            out.add(new RecoveryPoint.ModelState(text(s, "model"), aliases, versions));
        }
        return out;
    }

    private static Lineage lineage(JsonNode l) throws UnreadableEventException {
        if (l == null || l.isNull()) {
            return null;
        }
        return new Lineage(Id.fromHex(text(l, "snapshot")), nullable(l, "asset"), nullable(l, "ref"));
    }

    private static SortedMap<String, Double> metrics(JsonNode o) {
        SortedMap<String, Double> out = new TreeMap<>();
        o.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
        return out;
    }

    private static SortedMap<String, String> strings(JsonNode o) {
        SortedMap<String, String> out = new TreeMap<>();
        o.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static String text(JsonNode o, String name) throws UnreadableEventException {
        JsonNode n = o.get(name);
        if (n == null || !n.isTextual()) {
            throw new UnreadableEventException("malformed event: '" + name + "' is missing or not a string");
        }
        return n.asText();
    }

    private static int integer(JsonNode o, String name) throws UnreadableEventException {
        JsonNode n = o.get(name);
        if (n == null || !n.isInt()) {
            throw new UnreadableEventException("malformed event: '" + name + "' is missing or not an integer");
        }
        return n.asInt();
    }

    private static String nullable(JsonNode o, String name) {
        JsonNode n = o.get(name);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static void putNullable(ObjectNode o, String name, String value) {
        if (value == null) {
            o.putNull(name);
        } else {
            o.put(name, value);
        }
    }
}
