package io.lifeboat.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lifeboat.catalog.internal.EventLog;
import io.lifeboat.core.Id;
import io.lifeboat.core.IntegrityException;
import io.lifeboat.core.Repository;
import io.lifeboat.core.RestoreOptions;
import io.lifeboat.core.RestoreResult;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.engine.RestoreEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Creates recovery points (consistency groups) and restores them into one directory
 * layout with a manifest a runbook can act on.
 */
public final class RecoveryPoints {
    /** The manifest a restore writes at the top of its target. */
    public static final String MANIFEST = "lifeboat-manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Repository repo;
    private final ModelRegistry registry;
    private final EventLog log;
    private final Clock clock;
    private final String who;

    public RecoveryPoints(Repository repo, Clock clock, String who) {
        this.repo = repo;
        this.registry = new ModelRegistry(repo, clock, who);
        this.log = new EventLog(repo);
        this.clock = clock;
        this.who = who;
    }

    /**
     * Records a recovery point of the newest live snapshot of each asset named (or of every
     * asset, when {@code all} is set), with the registry as it stands now. A registered
     * model may be named {@code MODEL@VERSION} or {@code MODEL@ALIAS} to pick a version
     * rather than the newest. The dataset each member model version was trained on comes
     * along as a {@link RecoveryPoint.Role#LINEAGE} member unless it is a member already.
     *
     * @throws CatalogNotFoundException if an asset has no live snapshot or a model reference does not resolve
     */
    public RecoveryPoint create(String name, List<String> assets, boolean all) throws IOException {
        Names.requireRecoveryPoint(name);
        if (all == !assets.isEmpty()) {
            throw new IllegalArgumentException(all ? "give either assets or all, not both" : "name at least one asset, or all");
        }
        RegistryView view = registry.view();
        Assets known = Assets.of(repo);
        List<RecoveryPoint.Member> members = new ArrayList<>();
        for (String a : all ? known.all().stream().map(Assets.Asset::name).toList() : assets) {
            members.add(member(a, known, view));
        }
        return create(name, withLineage(members, view), view);
    }

    /**
     * The recovery point {@link #create(String, List, boolean)} would record now, without
     * recording it (its id and time are null).
     */
    public RecoveryPoint preview(String name, List<String> assets) throws IOException {
        RegistryView view = registry.view();
        Assets known = Assets.of(repo);
        List<RecoveryPoint.Member> members = new ArrayList<>();
        for (String a : assets) {
            members.add(member(a, known, view));
        }
        return new RecoveryPoint(null, name, null, null, withLineage(members, view), view.state());
    }

    /** Records a recovery point of members chosen by the caller (for instance, snapshots just taken). */
    public RecoveryPoint create(String name, List<RecoveryPoint.Member> members) throws IOException {
        Names.requireRecoveryPoint(name);
        RegistryView view = registry.view();
        return create(name, withLineage(members, view), view);
    }

    private RecoveryPoint create(String name, List<RecoveryPoint.Member> members, RegistryView view) throws IOException {
        if (members.isEmpty()) {
            throw new CatalogNotFoundException("the repository has no assets to put in recovery point " + name);
        }
        CatalogEvent.RecoveryPointCreated e = (CatalogEvent.RecoveryPointCreated) log.append(
                new CatalogEvent.RecoveryPointCreated(null, registry.nextTime(), who, name, members, view.state()));
        return new RecoveryPoint(e.id(), e.name(), e.time(), e.who(), e.members(), e.registry());
    }

    private RecoveryPoint.Member member(String ref, Assets known, RegistryView view) throws IOException {
        int at = ref.indexOf('@');
        if (at >= 0) {
            ModelVersion v = view.resolve(ref);
            if (!v.live()) {
                throw new CatalogRefusedException(v.ref() + " is deleted and cannot join a recovery point");
            }
            return new RecoveryPoint.Member(v.model(), "model", v.snapshot(), RecoveryPoint.Role.ASSET, v.model(), v.version());
        }
        Snapshot s;
        try {
            s = known.latest(ref);
        } catch (io.lifeboat.core.SnapshotNotFoundException e) {
            throw new CatalogNotFoundException(e.getMessage());
        }
        ModelVersion v = view.versionOf(s.id()).orElse(null);
        return new RecoveryPoint.Member(ref, s.kind(), s.id(), RecoveryPoint.Role.ASSET,
                v == null ? null : v.model(), v == null ? 0 : v.version());
    }

    private List<RecoveryPoint.Member> withLineage(List<RecoveryPoint.Member> members, RegistryView view) throws IOException {
        List<RecoveryPoint.Member> out = new ArrayList<>(members);
        Set<Id> present = new HashSet<>();
        members.forEach(m -> present.add(m.snapshot()));
        for (RecoveryPoint.Member m : members) {
            if (m.model() == null || m.role() != RecoveryPoint.Role.ASSET) {
                continue;
            }
            ModelVersion v = view.resolve(m.model() + "@" + m.version());
            if (v.lineage() == null || !present.add(v.lineage().datasetSnapshot())) {
                continue;
            }
            Snapshot d = repo.findAnySnapshot(v.lineage().datasetSnapshot().hex());
            String asset = d.asset() != null ? d.asset() : "dataset-" + d.id().shortHex();
            out.add(new RecoveryPoint.Member(asset, d.kind(), d.id(), RecoveryPoint.Role.LINEAGE, v.model(), v.version()));
        }
        return out;
    }

    // ---- restore ---------------------------------------------------------------------

    /**
     * What happened to one member.
     *
     * @param dir      its directory below the target (relative), null if skipped
     * @param result   the restore's result, null if skipped or its snapshot is gone
     * @param skipped  why it was not restored, or null
     * @param files    path below the target -> [size, sha256] of every regular file restored
     */
    public record MemberResult(RecoveryPoint.Member member, String dir, RestoreResult result, String skipped,
                               Map<String, FileSum> files) {
        public boolean damaged() {
            return result != null && !result.damaged().isEmpty();
        }
    }

    /** One restored file's size and SHA-256. */
    public record FileSum(long size, String sha256) {}

    /** A restore of a recovery point: every member's outcome and where the manifest is. */
    public record Restored(RecoveryPoint point, List<MemberResult> members, Path manifest) {
        /** Whether any member came back damaged or could not be read at all. */
        public boolean damaged() {
            return members.stream().anyMatch(m -> m.damaged() || (m.result() == null && m.skipped() != null
                    && m.skipped().startsWith("missing")));
        }
    }

    /**
     * Restores every member into {@code target/<asset>} (the snapshot's absolute paths
     * recreated below it) and writes {@value #MANIFEST} at the top of {@code target}.
     * Secret members are restored only with {@code includeSecrets}; otherwise the manifest
     * lists them as skipped. A member whose snapshot a prune removed is reported, and the
     * others are still restored.
     */
    public Restored restore(RecoveryPoint rp, Path target, boolean includeSecrets, int threads) throws IOException {
        Files.createDirectories(target);
        List<MemberResult> results = new ArrayList<>();
        Set<String> dirs = new HashSet<>();
        for (RecoveryPoint.Member m : rp.members()) {
            String dir = dirName(m, dirs);
            if (m.secret() && !includeSecrets) {
                results.add(new MemberResult(m, null, null, "secret: restored only with --include-secrets", Map.of()));
                continue;
            }
            Snapshot s;
            try {
                s = repo.loadSnapshot(m.snapshot());
            } catch (IntegrityException e) {
                results.add(new MemberResult(m, null, null, "missing: " + e.getMessage(), Map.of()));
                continue;
            }
            Path into = target.resolve(dir);
            RestoreResult r = new RestoreEngine(repo, new RestoreOptions(into, List.of(), threads)).run(s);
            results.add(new MemberResult(m, dir, r, null, checksums(target, into)));
        }
        Path manifest = writeManifest(rp, target, results);
        return new Restored(rp, results, manifest);
    }

    /** A directory name for a member, unique within the restore: its asset, or asset@snapshot when taken. */
    private static String dirName(RecoveryPoint.Member m, Set<String> taken) {
        String base = m.asset().replaceAll("[^A-Za-z0-9._-]", "_");
        if (base.isEmpty() || base.startsWith(".")) {
            base = "_" + base;
        }
        String dir = base;
        if (!taken.add(dir)) {
            dir = base + "@" + m.snapshot().shortHex();
            taken.add(dir);
        }
        return dir;
    }

    private static Map<String, FileSum> checksums(Path target, Path dir) throws IOException {
        Map<String, FileSum> out = new java.util.TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
        }
        byte[] buf = new byte[1 << 16];
        for (Path f : files) {
            MessageDigest md = Id.sha256();
            long size = 0;
            try (InputStream in = Files.newInputStream(f)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                    size += n;
                }
            }
            out.put(target.relativize(f).toString().replace(java.io.File.separatorChar, '/'),
                    new FileSum(size, HexFormat.of().formatHex(md.digest())));
        }
        return out;
    }

    private Path writeManifest(RecoveryPoint rp, Path target, List<MemberResult> results) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", 1);
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("name", rp.name());
        point.put("id", rp.id().hex());
        point.put("time", rp.time().toString());
        point.put("who", rp.who());
        m.put("recoveryPoint", point);
        m.put("repository", repo.config().id());
        m.put("restoredAt", clock.instant().toString());
        List<Object> members = new ArrayList<>();
        for (MemberResult r : results) {
            members.add(memberJson(r));
        }
        m.put("members", members);
        m.put("registry", registryJson(rp));
        Path manifest = target.resolve(MANIFEST);
        Path tmp = Files.createTempFile(target, ".manifest", ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), m);
            Files.move(tmp, manifest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return manifest;
    }

    private static Map<String, Object> memberJson(MemberResult r) {
        RecoveryPoint.Member mem = r.member();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("asset", mem.asset());
        o.put("kind", mem.kind());
        o.put("role", mem.role().json());
        o.put("snapshot", mem.snapshot().hex());
        if (mem.model() != null) {
            o.put("model", mem.model());
            o.put("version", mem.version());
        }
        o.put("dir", r.dir());
        o.put("restored", r.skipped() == null);
        if (r.skipped() != null) {
            o.put("skipped", r.skipped());
        }
        if (r.result() != null) {
            o.put("damaged", r.result().damaged().stream().map(d -> d.path() + ": " + d.reason()).toList());
        }
        List<Object> files = new ArrayList<>();
        r.files().forEach((path, sum) -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("path", path);
            f.put("size", sum.size());
            f.put("sha256", sum.sha256());
            files.add(f);
        });
        o.put("files", files);
        return o;
    }

    /** The registry state of a recovery point as JSON-ready maps (the manifest's {@code registry}). */
    public static List<Object> registryJson(RecoveryPoint rp) {
        List<Object> out = new ArrayList<>();
        for (RecoveryPoint.ModelState s : rp.registry()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", s.model());
            o.put("aliases", s.aliases());
            Map<String, String> versions = new LinkedHashMap<>();
            s.versions().forEach((v, id) -> versions.put(Integer.toString(v), id.hex()));
            o.put("versions", versions);
            out.add(o);
        }
        return out;
    }

    /** Every recovery point as of {@code asOf} (null: now), oldest first. */
    public List<RecoveryPoint> list(Instant asOf) throws IOException {
        return registry.view(asOf).recoveryPoints();
    }

    /** The newest recovery point named {@code name} ({@code latest}: of all) as of {@code asOf} (null: now). */
    public RecoveryPoint find(String name, Instant asOf) throws IOException {
        return registry.view(asOf).recoveryPoint(name);
    }
}
