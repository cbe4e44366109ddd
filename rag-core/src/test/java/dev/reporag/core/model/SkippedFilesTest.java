package dev.reporag.core.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SkippedFilesTest {
    private final JobId job = JobId.random();

    @Test
    void keepsEveryEntryWithItsRuleAndSizeAcrossTheStoredForm() {
        SkippedFiles built = SkippedFiles.builder(job, "abc123")
                .add("docs/guide.md", SkipReason.EXCLUDED_PATH, 120)
                .add("docs/guide-2.md", SkipReason.EXCLUDED_PATH, 0)
                .add("src/Big.java", SkipReason.TOO_LARGE, 1_234_567)
                .add("src/é/ü.bin", SkipReason.BINARY, 42)
                .build();

        SkippedFiles read = SkippedFiles.fromBytes(built.toBytes());

        List<SkippedFiles.Entry> entries = new ArrayList<>();
        read.forEach(entries::add);
        assertThat(entries).containsExactly(
                new SkippedFiles.Entry("docs/guide.md", SkipReason.EXCLUDED_PATH, 120),
                new SkippedFiles.Entry("docs/guide-2.md", SkipReason.EXCLUDED_PATH, 0),
                new SkippedFiles.Entry("src/Big.java", SkipReason.TOO_LARGE, 1_234_567),
                new SkippedFiles.Entry("src/é/ü.bin", SkipReason.BINARY, 42));
        assertThat(read.total()).isEqualTo(4);
        assertThat(read.counts()).isEqualTo(Map.of(SkipReason.EXCLUDED_PATH, 2, SkipReason.TOO_LARGE, 1,
                SkipReason.BINARY, 1));
        assertThat(read.jobId()).contains(job);
        assertThat(read.commit()).contains("abc123");
    }

    @Test
    void pagesFilterByRule() {
        SkippedFiles.Builder builder = SkippedFiles.builder(job, null);
        for (int i = 0; i < 10; i++) {
            builder.add("f" + i, i % 2 == 0 ? SkipReason.BINARY : SkipReason.SECRET, i);
        }
        SkippedFiles files = builder.build();

        assertThat(files.page(Optional.of(SkipReason.SECRET), 1, 2)).extracting(SkippedFiles.Entry::path)
                .containsExactly("f3", "f5");
        assertThat(files.page(Optional.empty(), 8, 100)).extracting(SkippedFiles.Entry::path)
                .containsExactly("f8", "f9");
        assertThat(files.commit()).isEmpty();
    }

    @Test
    void aHundredThousandSkippedPathsTakeAFewBytesEach() {
        SkippedFiles.Builder builder = SkippedFiles.builder(job, "c");
        for (int i = 0; i < 100_000; i++) {
            builder.add(String.format("vendor/github.com/acme/lib%03d/internal/pkg/file_%05d.go", i / 1000, i),
                    SkipReason.EXCLUDED_PATH, 1000 + i % 5000);
        }

        byte[] stored = builder.build().toBytes();

        assertThat(stored.length / 100_000.0).as("bytes per file").isLessThan(12);
        SkippedFiles read = SkippedFiles.fromBytes(stored);
        assertThat(read.total()).isEqualTo(100_000);
        assertThat(read.page(Optional.empty(), 99_999, 10)).extracting(SkippedFiles.Entry::path)
                .containsExactly("vendor/github.com/acme/lib099/internal/pkg/file_99999.go");
    }

    @Test
    void noneIsEmpty() {
        SkippedFiles none = SkippedFiles.fromBytes(SkippedFiles.NONE.toBytes());
        assertThat(none.total()).isZero();
        assertThat(none.jobId()).isEmpty();
        assertThat(none.page(Optional.empty(), 0, 10)).isEmpty();
    }

    /** The rules a list was made under travel with it; a list of the earlier format reads with none. */
    @Test
    void keepsItsListingRulesAndReadsTheEarlierFormatWithout() throws java.io.IOException {
        SkippedFiles built = SkippedFiles.builder(job, "c1", "r2 51200 2097152 0/0 NONE")
                .add("src/blob.dat", SkipReason.BINARY, 7).build();
        byte[] stored = built.toBytes();
        assertThat(SkippedFiles.fromBytes(stored).listingRules()).isEqualTo("r2 51200 2097152 0/0 NONE");

        // Format 1: the same, without the rules' field after the commit.
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(stored));
        in.readUnsignedByte();
        String jobId = in.readUTF();
        String commit = in.readUTF();
        in.readUTF();
        byte[] rest = in.readAllBytes();
        java.io.ByteArrayOutputStream earlier = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(earlier)) {
            out.writeByte(1);
            out.writeUTF(jobId);
            out.writeUTF(commit);
            out.write(rest);
        }
        SkippedFiles read = SkippedFiles.fromBytes(earlier.toByteArray());
        assertThat(read.listingRules()).isEmpty();
        assertThat(read.commit()).contains("c1");
        assertThat(read.page(Optional.empty(), 0, 10)).containsExactly(
                new SkippedFiles.Entry("src/blob.dat", SkipReason.BINARY, 7));
    }
}
