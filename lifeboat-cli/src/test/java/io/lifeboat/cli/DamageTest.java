package io.lifeboat.cli;

import static io.lifeboat.cli.TestFiles.KIB;
import static io.lifeboat.cli.TestFiles.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.Snapshot;
import io.lifeboat.core.internal.format.Node;
import io.lifeboat.core.internal.format.PackEntry;
import io.lifeboat.core.internal.format.Packs;
import io.lifeboat.core.storage.local.LocalBlobStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to stored data is found, named (the pack and exactly the files it touches) and
 * contained: {@code check} exits 10, and {@code restore} reports the damaged files and
 * still restores every other file byte for byte.
 *
 * <p>Each test backs up the same 21 files into small (1 MiB) packs, then uses the core API
 * to see where each file's chunks landed, so that the expected set of damaged files is
 * computed from the repository itself rather than guessed.
 */
class DamageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Cli cli;
    private Path victim;
    private Path twin;
    private Layout layout;

    @BeforeEach
    void backUpTwentyOneFiles() throws IOException {
        cli = new Cli(tmp).init("--pack-size", "1");
        Path src = tmp.resolve("src");
        Random rnd = new Random(20240611);
        for (int i = 0; i < 16; i++) {
            Path dir = i % 4 == 3 ? src.resolve("sub") : src;
            TestFiles.random(dir.resolve(String.format("small-%02d.bin", i)), rnd, 4 * KIB + rnd.nextInt(196 * KIB));
        }
        for (int i = 0; i < 4; i++) {
            TestFiles.random(src.resolve(String.format("large-%02d.bin", i)), rnd, MIB + rnd.nextInt(2 * MIB));
        }
        victim = src.resolve("small-02.bin");
        twin = Files.copy(victim, src.resolve("twin-of-small-02.bin")); // same chunk, another name
        cli.ok("backup", src.toString());
        layout = Layout.read(cli);
        assertThat(layout.chunks()).hasSize(21);
        assertThat(layout.packSizes().size()).as("data packs").isGreaterThanOrEqualTo(4);
    }

    @Test
    void aFlippedByteInsideABlobIsFoundByReadDataAndCostsOnlyTheFilesSharingThatBlob() throws IOException {
        PackEntry blob = layout.chunks().get(victim.toString()).get(0);
        flipByte(blob.pack(), blob.offset() + blob.length() / 2);
        Set<String> affected = layout.filesWith(e -> e.id().equals(blob.id()));
        assertThat(affected).containsExactlyInAnyOrder(victim.toString(), twin.toString());

        Cli.Result structure = cli.run("check");
        assertThat(structure.code()).as(structure.toString()).isIn(ExitCodes.OK, ExitCodes.INTEGRITY);

        Cli.Result check = cli.run("check", "--read-data");
        assertThat(check.code()).as(check.toString()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(text(check)).contains(blob.pack().hex());
        assertThat(namedFiles(check)).as(check.toString()).isEqualTo(affected);

        assertRestoreLosesExactly(affected);
    }

    @Test
    void aDeletedPackIsReportedMissingWithTheFilesItHeld() throws IOException {
        Id pack = layout.packTouchingMostFiles();
        Set<String> affected = layout.filesWith(e -> e.pack().equals(pack));
        assertThat(affected).hasSizeBetween(2, layout.chunks().size() - 1);

        Files.delete(packFile(pack));

        Cli.Result check = cli.run("check");
        assertThat(check.code()).as(check.toString()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(linesNaming(check, pack.hex())).as(check.toString()).isNotEmpty().anyMatch(l -> l.contains("missing"));
        assertThat(namedFiles(check)).as(check.toString()).isEqualTo(affected);

        assertRestoreLosesExactly(affected);
    }

    @Test
    void aTruncatedPackCostsOnlyTheFilesWithChunksPastTheCut() throws IOException {
        Cut cut = layout.packSizes().keySet().stream().sorted()
                .map(p -> new Cut(p, layout.packSizes().get(p) / 2))
                .filter(c -> !filesPastCut(c).isEmpty() && !filesBeforeCut(c).isEmpty())
                .findFirst().orElseThrow(() -> new AssertionError("no pack holds files on both sides of its middle: " + layout));
        Set<String> affected = filesPastCut(cut);
        Set<String> salvaged = filesBeforeCut(cut);

        try (RandomAccessFile f = new RandomAccessFile(packFile(cut.pack()).toFile(), "rw")) {
            f.setLength(cut.at());
        }

        for (String[] args : List.of(new String[] {"check"}, new String[] {"check", "--read-data"})) {
            Cli.Result check = cli.run(args);
            assertThat(check.code()).as(check.toString()).isEqualTo(ExitCodes.INTEGRITY);
            assertThat(linesNaming(check, cut.pack().hex())).as(check.toString()).isNotEmpty();
            assertThat(namedFiles(check)).as(check.toString()).isEqualTo(affected);
        }

        Path target = assertRestoreLosesExactly(affected);
        for (String file : salvaged) { // already compared above; these prove salvage from the cut pack itself
            TestFiles.assertSameBytes(Path.of(file), TestFiles.restored(target, Path.of(file)));
        }
    }

    @Test
    void aCleanRepositoryPassesEveryDepthOfCheckAndBadSubsetsAreUsageErrors() throws IOException {
        Cli.Result full = cli.run("check", "--read-data");
        assertThat(full.code()).as(full.toString()).isEqualTo(ExitCodes.OK);

        Cli.Result half = cli.run("check", "--read-data-subset", "50%", "--json");
        assertThat(half.code()).as(half.toString()).isEqualTo(ExitCodes.OK);
        JsonNode report = JSON.readTree(half.out());
        long packs = report.get("packs").asLong();
        assertThat(packs).isGreaterThan(layout.packSizes().size()); // data packs plus at least one tree pack
        assertThat(report.get("packsRead").asLong()).isEqualTo((packs + 1) / 2);

        for (String bad : List.of("0%", "abc", "101%", "-5%")) {
            Cli.Result r = cli.run("check", "--read-data-subset", bad);
            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("--read-data-subset").contains(bad);
        }
    }

    @Test
    void jsonCheckOfADamagedRepositoryListsTheErrorsAndTheDamagedFiles() throws IOException {
        PackEntry blob = layout.chunks().get(victim.toString()).get(0);
        flipByte(blob.pack(), blob.offset() + blob.length() / 2);
        Set<String> expected = layout.filesWith(e -> e.id().equals(blob.id())).stream()
                .map(f -> layout.snapshot().shortHex() + ":" + f).collect(Collectors.toSet());

        Cli.Result check = cli.run("check", "--read-data", "--json");

        assertThat(check.code()).as(check.toString()).isEqualTo(ExitCodes.INTEGRITY);
        JsonNode report = JSON.readTree(check.out());
        assertThat(report.get("errors").isArray()).isTrue();
        List<String> errors = new ArrayList<>();
        report.get("errors").forEach(e -> errors.add(e.asText()));
        assertThat(errors).isNotEmpty().anyMatch(e -> e.contains(blob.pack().hex()));
        Set<String> damaged = new TreeSet<>();
        report.get("damagedFiles").forEach(f -> damaged.add(f.asText()));
        assertThat(damaged).isEqualTo(expected);
    }

    // ---- helpers -------------------------------------------------------------------

    /** Restores the latest snapshot; asserts exit 10, that exactly {@code affected} are reported, all others identical. */
    private Path assertRestoreLosesExactly(Set<String> affected) throws IOException {
        Path target = tmp.resolve("restore");
        Cli.Result restore = cli.run("restore", "latest", "--target", target.toString());
        assertThat(restore.code()).as(restore.toString()).isEqualTo(ExitCodes.INTEGRITY);
        assertThat(namedFiles(restore)).as(restore.toString()).isEqualTo(affected);
        assertThat(restore.out()).as("the summary does not count damaged files as restored")
                .contains("(" + affected.size() + " more damaged)");
        for (String file : layout.chunks().keySet()) {
            if (!affected.contains(file)) {
                TestFiles.assertSameBytes(Path.of(file), TestFiles.restored(target, Path.of(file)));
            }
        }
        return target;
    }

    private Set<String> filesPastCut(Cut c) {
        return layout.filesWith(e -> e.pack().equals(c.pack()) && e.end() > c.at());
    }

    private Set<String> filesBeforeCut(Cut c) {
        Set<String> inPack = layout.filesWith(e -> e.pack().equals(c.pack()));
        inPack.removeAll(filesPastCut(c));
        return inPack;
    }

    private Path packFile(Id pack) {
        return cli.repo.resolve(Packs.name(pack));
    }

    private void flipByte(Id pack, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(packFile(pack).toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x01);
        }
    }

    private static String text(Cli.Result r) {
        return r.out() + r.err();
    }

    private static List<String> linesNaming(Cli.Result r, String what) {
        return text(r).lines().filter(l -> l.contains(what)).toList();
    }

    /** The backed-up files whose path the output names (as a whole path: followed by ':', space or end of line). */
    private Set<String> namedFiles(Cli.Result r) {
        String text = text(r);
        Set<String> named = new TreeSet<>();
        for (String file : layout.chunks().keySet()) {
            if (Pattern.compile(Pattern.quote(file) + "(?=[:\\s]|$)", Pattern.MULTILINE).matcher(text).find()) {
                named.add(file);
            }
        }
        return named;
    }

    private record Cut(Id pack, long at) {}

    /**
     * Where the latest snapshot's files keep their content.
     *
     * @param chunks    each file (absolute path, as backed up) with its chunks' pack entries, in order
     * @param packSizes every data pack holding some file's chunk, with its size on disk
     */
    private record Layout(Id snapshot, Map<String, List<PackEntry>> chunks, Map<Id, Long> packSizes) {
        static Layout read(Cli cli) throws IOException {
            char[] pass = Files.readString(cli.passwordFile).strip().toCharArray();
            try (Repository repo = Repository.open(new LocalBlobStore(cli.repo), pass)) {
                repo.loadIndexStrict();
                Snapshot s = repo.findSnapshot("latest");
                Map<String, List<PackEntry>> chunks = new TreeMap<>();
                walk(repo, s.tree(), "", chunks);
                Map<Id, Long> sizes = new TreeMap<>();
                for (List<PackEntry> entries : chunks.values()) {
                    for (PackEntry e : entries) {
                        sizes.put(e.pack(), Files.size(cli.repo.resolve(Packs.name(e.pack()))));
                    }
                }
                return new Layout(s.id(), chunks, sizes);
            }
        }

        private static void walk(Repository repo, Id tree, String path, Map<String, List<PackEntry>> out)
                throws IOException {
            for (Node n : repo.loadTree(tree).nodes()) {
                String child = path + "/" + n.name();
                switch (n.type()) {
                    case DIR -> walk(repo, n.subtree(), child, out);
                    case FILE -> {
                        List<PackEntry> entries = new ArrayList<>();
                        for (Id c : n.chunks()) {
                            entries.add(java.util.Objects.requireNonNull(repo.index().get(c), "chunk of " + child));
                        }
                        out.put(child, entries);
                    }
                    case SYMLINK -> { }
                }
            }
        }

        /** Files with at least one chunk for which {@code bad} holds. */
        Set<String> filesWith(Predicate<PackEntry> bad) {
            Set<String> out = new LinkedHashSet<>();
            chunks.forEach((file, entries) -> {
                if (entries.stream().anyMatch(bad)) {
                    out.add(file);
                }
            });
            return new TreeSet<>(out);
        }

        /** The data pack holding chunks of the most files (ties: the lowest id). */
        Id packTouchingMostFiles() {
            return packSizes.keySet().stream()
                    .max(Comparator.comparingInt((Id p) -> filesWith(e -> e.pack().equals(p)).size())
                            .thenComparing(Comparator.reverseOrder()))
                    .orElseThrow();
        }
    }
}
