package io.lifeboat.core.internal.engine;

import io.lifeboat.core.CheckReport;
import io.lifeboat.core.Id;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RepositoryConfig;
import io.lifeboat.core.internal.crypto.KeySlot;
import io.lifeboat.core.internal.format.Packs;
import io.lifeboat.core.storage.BlobInfo;
import io.lifeboat.core.storage.BlobStore;
import io.lifeboat.core.storage.NoSuchBlobException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Verifies a repository without its key, as a replica site or a storage auditor can:
 * every object must hash (SHA-256) to its name, every pack must end in a well-formed
 * trailer, every key slot must parse, and nothing unexpected may sit among the objects.
 * It cannot see inside encrypted objects, so it proves integrity of the bytes, not that
 * the snapshots are complete; {@link CheckEngine} with the key does that.
 */
public final class KeylessCheck {
    private final BlobStore store;
    private final double subsetPercent;
    private final int threads;
    private final ByteBudget budget = new ByteBudget(ByteBudget.DEFAULT);
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final List<String> infos = Collections.synchronizedList(new ArrayList<>());

    public KeylessCheck(BlobStore store, double subsetPercent, int threads) {
        this.store = store;
        this.subsetPercent = subsetPercent;
        this.threads = threads;
    }

    public CheckReport run() throws IOException {
        Repository.readConfig(store); // not a repository, or a newer format: refuse before reading anything
        List<BlobInfo> all = new ArrayList<>(store.list(""));
        List<BlobInfo> toRead = new ArrayList<>();
        long packs = 0;
        long snapshots = 0;
        for (BlobInfo b : all) {
            String kind = kindOf(b.name());
            switch (kind) {
                case "config" -> { }
                case "data" -> {
                    packs++;
                    toRead.add(b);
                }
                case "snapshots" -> {
                    snapshots++;
                    toRead.add(b);
                }
                case "index", "keys", "deleted", "policy", "sessions", "prune", "catalog", "claims" -> toRead.add(b);
                default -> infos.add("unexpected object " + b.name() + " (not part of a Lifeboat repository)");
            }
        }
        List<BlobInfo> chosen = subset(toRead);
        readAll(chosen);
        return new CheckReport(packs, chosen.stream().filter(b -> b.name().startsWith("data/")).count(), snapshots, 0, 0,
                errors, infos, List.of());
    }

    private static String kindOf(String name) {
        if (name.equals(RepositoryConfig.NAME)) {
            return "config";
        }
        int slash = name.indexOf('/');
        String dir = slash < 0 ? "" : name.substring(0, slash);
        String last = name.substring(name.lastIndexOf('/') + 1);
        if (!last.matches("[0-9a-f]{64}")) {
            return "";
        }
        return switch (dir) {
            case "data" -> name.equals(Packs.name(Id.fromHex(last))) ? "data" : "";
            case "index", "snapshots", "keys", "deleted", "policy", "sessions", "prune", "catalog", "claims" ->
                    name.equals(dir + "/" + last) ? dir : "";
            default -> "";
        };
    }

    /** Every index, snapshot and key object, and the chosen share of packs. */
    private List<BlobInfo> subset(List<BlobInfo> objects) {
        if (subsetPercent >= 100) {
            return objects;
        }
        List<BlobInfo> packs = new ArrayList<>(objects.stream().filter(b -> b.name().startsWith("data/")).toList());
        Collections.shuffle(packs, ThreadLocalRandom.current());
        int n = (int) Math.ceil(packs.size() * subsetPercent / 100.0);
        List<BlobInfo> out = new ArrayList<>(objects.stream().filter(b -> !b.name().startsWith("data/")).toList());
        out.addAll(packs.subList(0, Math.min(n, packs.size())));
        return out;
    }

    private void readAll(List<BlobInfo> objects) throws IOException {
        Parallel.forEach(objects, threads, "lifeboat-keyless", this::verify);
    }

    private void verify(BlobInfo b) throws IOException {
        int room = budget.take(b.size());
        try {
            verifyHeld(b);
        } finally {
            budget.give(room);
        }
    }

    private void verifyHeld(BlobInfo b) throws IOException {
        byte[] bytes;
        try {
            bytes = store.get(b.name());
        } catch (NoSuchBlobException e) {
            return; // deleted since it was listed (a concurrent prune): nothing to verify
        }
        String hex = b.name().substring(b.name().lastIndexOf('/') + 1);
        if (!Id.sha256(bytes).hex().equals(hex)) {
            errors.add(b.name() + ": content does not match its name (damaged)");
            return;
        }
        if (b.name().startsWith("data/")) {
            byte[] trailer = new byte[Packs.TRAILER];
            System.arraycopy(bytes, Math.max(0, bytes.length - Packs.TRAILER), trailer, 0, Math.min(Packs.TRAILER, bytes.length));
            try {
                Packs.headerLength(b.name(), trailer, bytes.length);
            } catch (IntegrityException e) {
                errors.add(e.getMessage());
            }
        } else if (b.name().startsWith("keys/")) {
            try {
                KeySlot.fromJson(bytes);
            } catch (IOException e) {
                errors.add(b.name() + ": not a readable key slot: " + e.getMessage());
            }
        }
    }
}
