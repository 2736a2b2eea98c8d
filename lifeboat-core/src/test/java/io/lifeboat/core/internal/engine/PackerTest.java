package io.lifeboat.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.Id;
import io.lifeboat.core.Repository;
import io.lifeboat.core.internal.format.BlobType;
import io.lifeboat.core.internal.format.PackBuilder;
import io.lifeboat.core.internal.format.PackEntry;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackerTest {
    @TempDir
    Path tmp;

    @Test
    void packsStayWithinTheirTargetAndLoseNoBlob() throws Exception {
        int target = 1 << 20;
        List<PackBuilder.Sealed> stored = new CopyOnWriteArrayList<>();
        Random random = new Random(3);
        int blobs = 0;
        try (Repository repo = TestRepos.create(tmp.resolve("repo"));
             ExecutorService uploads = Executors.newFixedThreadPool(2)) {
            Packer packer = new Packer(repo, BlobType.DATA, target, target, uploads, 2, stored::add);
            for (int i = 0; i < 300; i++) {
                // Mostly small blobs, some near the target, a few larger than it.
                int size = i % 50 == 7 ? target + random.nextInt(target) : random.nextInt(i % 10 == 0 ? target : 40_000);
                byte[] blob = new byte[size];
                random.nextBytes(blob);
                packer.add(Id.sha256(blob), blob, size);
                blobs++;
            }
            packer.flush();
        }
        int counted = 0;
        for (PackBuilder.Sealed p : stored) {
            counted += p.entries().size();
            if (p.entries().size() > 1) {
                assertThat(p.length()).as("a pack of several blobs stays within its target").isLessThanOrEqualTo(target);
            }
            assertThat(p.bytes().length).as("the buffer never grew past what the pack needed")
                    .isLessThanOrEqualTo(Math.max(target, p.length() + 1024));
            long sum = p.entries().stream().mapToLong(PackEntry::length).sum();
            assertThat(sum).isLessThan(p.length());
        }
        assertThat(counted).isEqualTo(blobs);
    }
}
