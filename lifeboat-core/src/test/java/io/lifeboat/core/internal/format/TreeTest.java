package io.lifeboat.core.internal.format;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.Id;
import io.lifeboat.core.internal.format.Node.NodeType;
import java.util.List;
import org.junit.jupiter.api.Test;

class TreeTest {
    private static Node file(String name) {
        return new Node(name, NodeType.FILE, 0644, 0, 0, 0, 0, 0, 0, List.of(), null, null);
    }

    @Test
    void duplicateNamesAreRefused() {
        assertThatThrownBy(() -> Tree.sorted(List.of(file("a"), file("a"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'");
    }

    @Test
    void namesWithSlashesOrDotsAreRefused() {
        for (String bad : List.of("a/b", ".", "..", "")) {
            assertThatThrownBy(() -> file(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aDirectoryNeedsASubtreeAndASymlinkATarget() {
        assertThatThrownBy(() -> new Node("d", NodeType.DIR, 0755, 0, 0, 0, 0, 0, 0, List.of(), null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Node("l", NodeType.SYMLINK, 0777, 0, 0, 0, 0, 0, 0, List.of(), Id.sha256(new byte[0]), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
