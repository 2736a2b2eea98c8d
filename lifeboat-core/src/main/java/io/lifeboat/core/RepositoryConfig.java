package io.lifeboat.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.internal.chunk.ChunkerParams;
import io.lifeboat.core.retention.Within;
import java.io.IOException;
import java.time.Instant;

/**
 * The repository's {@code config} object: plaintext UTF-8 JSON, readable without a key so
 * that a tool can tell what it is looking at (and refuse a newer format) before asking
 * for a passphrase. It holds nothing secret.
 *
 * <pre>
 * {"format":"lifeboat-repository","version":1,"id":"64 hex digits","created":"ISO-8601",
 *  "chunker":{"min":524288,"avg":1048576,"max":8388608},"packSize":16777216}
 * </pre>
 */
public record RepositoryConfig(int version, String id, Instant created, ChunkerParams chunker, int packSize,
                               Within retentionLock) {
    /** The format version this code writes and the newest it reads. */
    public static final int CURRENT_VERSION = 1;
    /** The config object's blob name. */
    public static final String NAME = "config";
    static final String FORMAT = "lifeboat-repository";
    /** Default target size of a data pack. */
    public static final int DEFAULT_PACK_SIZE = 16 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    public RepositoryConfig {
        if (packSize < 1024 * 1024 || packSize > 256 * 1024 * 1024) {
            throw new IllegalArgumentException("pack size must be between 1 MiB and 256 MiB: " + packSize);
        }
    }

    /** A repository without a retention lock. */
    public RepositoryConfig(int version, String id, Instant created, ChunkerParams chunker, int packSize) {
        this(version, id, created, chunker, packSize, null);
    }

    public byte[] toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("version", version);
        o.put("id", id);
        o.put("created", created.toString());
        ObjectNode c = o.putObject("chunker");
        c.put("min", chunker.minSize());
        c.put("avg", chunker.avgSize());
        c.put("max", chunker.maxSize());
        o.put("packSize", packSize);
        if (retentionLock != null) {
            o.put("retentionLock", retentionLock.toString());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses a config, refusing a newer format version.
     *
     * @param where the repository's location, for messages
     * @throws RepositoryNotFoundException if the bytes are not a Lifeboat config
     * @throws UnsupportedFormatException if the version is newer than {@link #CURRENT_VERSION}
     */
    public static RepositoryConfig fromJson(byte[] bytes, String where) throws IOException {
        JsonNode o;
        try {
            o = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new RepositoryNotFoundException(where + " is not a Lifeboat repository: its config is not valid JSON");
        }
        if (o == null || !FORMAT.equals(o.path("format").asText())) {
            throw new RepositoryNotFoundException(where + " is not a Lifeboat repository: its config is not a Lifeboat config");
        }
        int version = o.path("version").asInt(-1);
        if (version > CURRENT_VERSION) {
            throw new UnsupportedFormatException("repository " + where + " has format version " + version
                    + ", newer than this Lifeboat reads (" + CURRENT_VERSION + "); upgrade Lifeboat");
        }
        if (version < 1) {
            throw new RepositoryNotFoundException(where + ": config has no valid format version");
        }
        try {
            JsonNode c = o.path("chunker");
            return new RepositoryConfig(version, o.path("id").asText(), Instant.parse(o.path("created").asText()),
                    new ChunkerParams(c.path("min").asInt(), c.path("avg").asInt(), c.path("max").asInt()),
                    o.path("packSize").asInt(),
                    o.hasNonNull("retentionLock") ? Within.parse(o.path("retentionLock").asText()) : null);
        } catch (RuntimeException e) {
            throw new RepositoryNotFoundException(where + ": malformed config: " + e.getMessage());
        }
    }
}
