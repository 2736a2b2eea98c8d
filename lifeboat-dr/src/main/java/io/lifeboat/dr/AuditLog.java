package io.lifeboat.dr;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plain audit trail of plan commands: one JSON object per line, appended (never
 * rewritten) to a file, each with {@code time}, {@code who}, {@code event} and details.
 * Residency refusals, backups, replications and their failures go here. (The
 * tamper-evident audit log comes later; this one is for people and scripts.)
 */
public final class AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Clock clock;
    private final String who;

    public AuditLog(Path file, Clock clock, String who) {
        this.file = file;
        this.clock = clock;
        this.who = who;
    }

    public Path file() {
        return file;
    }

    /**
     * Appends one entry and forces it to disk.
     *
     * @param details name -> value pairs, in order; values are strings, numbers or lists
     */
    public synchronized void record(String event, Map<String, Object> details) throws IOException {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("time", clock.instant().toString());
        entry.put("who", who);
        entry.put("event", event);
        entry.putAll(details);
        byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
            out.write(line);
        }
    }
}
