package io.lifeboat.core.retention;

import io.lifeboat.core.Id;
import io.lifeboat.core.Snapshot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Hand-built snapshots for retention tests: only time, host, asset, paths and tags matter. */
final class Snapshots {
    private static final AtomicInteger SERIAL = new AtomicInteger();
    private static final Id TREE = Id.sha256("tree".getBytes(StandardCharsets.UTF_8));

    private Snapshots() {
    }

    /** A snapshot of {@code /data} on host {@code h1} at {@code time} (ISO instant, e.g. {@code 2026-11-20T10:00:00Z}). */
    static Snapshot at(String time) {
        return snapshot(time, "h1", null, List.of("/data"), Map.of());
    }

    static Snapshot tagged(String time, Map<String, String> tags) {
        return snapshot(time, "h1", null, List.of("/data"), tags);
    }

    static Snapshot snapshot(String time, String host, String asset, List<String> paths, Map<String, String> tags) {
        return snapshot(idOf("serial-" + SERIAL.incrementAndGet()), Instant.parse(time), host, asset, paths, tags);
    }

    static Snapshot snapshot(Id id, Instant time, String host, String asset, List<String> paths, Map<String, String> tags) {
        return new Snapshot(id, time, host, "user", paths, new TreeMap<>(tags), asset, null, null, TREE, "test", null);
    }

    static Id idOf(String seed) {
        return Id.sha256(seed.getBytes(StandardCharsets.UTF_8));
    }
}
