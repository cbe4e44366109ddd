package dev.reporag.core.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * The files a job left out of the index, each with the rule that left it out and its size: what a
 * project shows as "skipped". A repository can skip 100,000 files, so the list is kept compact, in
 * memory while a job builds it and in the stores: entries are front-coded (a path keeps only what
 * differs from the path before it; listings are sorted, so neighbours share most of theirs) and
 * deflated: 2 to 8 bytes a file in the measured listings. Counts by rule are kept apart, readable
 * without the entries.
 *
 * <p>Entries come in the order the job met them: files left out by path or size in listing order,
 * then those left out once read (binary, not UTF-8...), in listing order too.
 */
public final class SkippedFiles {
    /** No job has recorded a list yet. */
    public static final SkippedFiles NONE = new Builder(null, null, "").build();

    /** 2 adds the listing rules; 1 (without them) is still read. */
    private static final int FORMAT = 2;

    /** One file left out: its path, the rule, and its size in bytes as the repository lists it. */
    public record Entry(String path, SkipReason reason, long size) {
        public Entry {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(reason, "reason");
        }
    }

    private final JobId jobId;
    private final String commit;
    private final String listingRules;
    private final Map<SkipReason, Integer> counts;
    private final int encoded;
    private final byte[] entries;

    /** @param encoded entries in {@code entries}, those of rules this version does not know included */
    private SkippedFiles(JobId jobId, String commit, String listingRules, Map<SkipReason, Integer> counts,
                         int encoded, byte[] entries) {
        this.jobId = jobId;
        this.commit = commit;
        this.listingRules = listingRules;
        this.counts = Collections.unmodifiableMap(new EnumMap<>(counts));
        this.encoded = encoded;
        this.entries = entries;
    }

    public static Builder builder(JobId jobId, String commit) {
        return builder(jobId, commit, "");
    }

    /**
     * @param listingRules the rules the files were listed and read by, as the filter names them: a
     *                     later job lists only what changed only under the same rules
     */
    public static Builder builder(JobId jobId, String commit, String listingRules) {
        return new Builder(Objects.requireNonNull(jobId, "jobId"), commit, Objects.requireNonNull(listingRules));
    }

    /** The rules the files were listed and read by; empty when not recorded (lists of earlier releases). */
    public String listingRules() {
        return listingRules;
    }

    /** The job that recorded this list, empty for {@link #NONE}. */
    public Optional<JobId> jobId() {
        return Optional.ofNullable(jobId);
    }

    /** The commit that job indexed, when known. */
    public Optional<String> commit() {
        return Optional.ofNullable(commit);
    }

    public int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Files by rule; rules that left nothing out are absent. */
    public Map<SkipReason, Integer> counts() {
        return counts;
    }

    /** Calls {@code action} with every entry, in order, decoding as it goes. */
    public void forEach(Consumer<Entry> action) {
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(entries)))) {
            SkipReason[] reasons = readReasons(in);
            byte[] previous = new byte[0];
            for (int i = 0; i < encoded; i++) {
                int reason = readVarInt(in);
                int shared = readVarInt(in);
                byte[] path = Arrays.copyOf(previous, shared + readVarInt(in));
                in.readFully(path, shared, path.length - shared);
                long size = readVarLong(in);
                previous = path;
                if (reason < reasons.length && reasons[reason] != null) {
                    action.accept(new Entry(new String(path, StandardCharsets.UTF_8), reasons[reason], size));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a stored list of skipped files is damaged", e);
        }
    }

    /** Entries {@code offset} to {@code offset + limit} of those left out by {@code reason} (all when empty). */
    public List<Entry> page(Optional<SkipReason> reason, int offset, int limit) {
        List<Entry> page = new ArrayList<>(Math.min(limit, 1024));
        int[] seen = {0};
        forEach(entry -> {
            if (reason.isEmpty() || reason.get() == entry.reason()) {
                if (seen[0] >= offset && page.size() < limit) {
                    page.add(entry);
                }
                seen[0]++;
            }
        });
        return page;
    }

    /** The stored form: the format, the job, the counts, then the deflated entries. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(entries.length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeUTF(jobId == null ? "" : jobId.value());
            out.writeUTF(commit == null ? "" : commit);
            out.writeUTF(listingRules);
            writeVarInt(out, counts.size()); // by rule name: a reordered or extended enum still reads
            for (Map.Entry<SkipReason, Integer> count : counts.entrySet()) {
                out.writeUTF(count.getKey().name());
                writeVarInt(out, count.getValue());
            }
            out.write(entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads {@link #toBytes()}; a rule this version does not know is left out. */
    public static SkippedFiles fromBytes(byte[] stored) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
            int format = in.readUnsignedByte();
            if (format != 1 && format != FORMAT) {
                throw new IllegalArgumentException("unknown format " + format + " of a list of skipped files");
            }
            String job = in.readUTF();
            String commit = in.readUTF();
            String listingRules = format >= 2 ? in.readUTF() : "";
            int rules = readVarInt(in);
            Map<SkipReason, Integer> counts = new EnumMap<>(SkipReason.class);
            int all = 0;
            for (int i = 0; i < rules; i++) {
                Optional<SkipReason> reason = reason(in.readUTF());
                int count = readVarInt(in);
                all += count;
                reason.ifPresent(r -> counts.put(r, count));
            }
            return new SkippedFiles(job.isEmpty() ? null : new JobId(job), commit.isEmpty() ? null : commit,
                    listingRules, counts, all, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("a stored list of skipped files is damaged", e);
        }
    }

    private static Optional<SkipReason> reason(String name) {
        try {
            return Optional.of(SkipReason.valueOf(name));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }

    private static SkipReason[] readReasons(DataInputStream in) throws IOException {
        SkipReason[] reasons = new SkipReason[readVarInt(in)];
        for (int i = 0; i < reasons.length; i++) {
            reasons[i] = reason(in.readUTF()).orElse(null);
        }
        return reasons;
    }

    /** Collects entries as a job meets them, compressed at once: memory stays near the stored size. */
    public static final class Builder {
        private final JobId jobId;
        private final String commit;
        private final String listingRules;
        private final Map<SkipReason, Integer> counts = new EnumMap<>(SkipReason.class);
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(bytes));
        private byte[] previous = new byte[0];

        private Builder(JobId jobId, String commit, String listingRules) {
            this.jobId = jobId;
            this.commit = commit;
            this.listingRules = listingRules;
            try {
                SkipReason[] reasons = SkipReason.values();
                writeVarInt(out, reasons.length);
                for (SkipReason reason : reasons) {
                    out.writeUTF(reason.name());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public Builder add(String path, SkipReason reason, long size) {
            byte[] current = path.getBytes(StandardCharsets.UTF_8);
            int shared = 0;
            int max = Math.min(current.length, previous.length);
            while (shared < max && current[shared] == previous[shared]) {
                shared++;
            }
            try {
                writeVarInt(out, reason.ordinal());
                writeVarInt(out, shared);
                writeVarInt(out, current.length - shared);
                out.write(current, shared, current.length - shared);
                writeVarLong(out, Math.max(0, size));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            previous = current;
            counts.merge(reason, 1, Integer::sum);
            return this;
        }

        public Builder add(Entry entry) {
            return add(entry.path(), entry.reason(), entry.size());
        }

        public int size() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }

        public SkippedFiles build() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new SkippedFiles(jobId, commit, listingRules, counts, size(), bytes.toByteArray());
        }
    }

    private static void writeVarInt(OutputStream out, int value) throws IOException {
        writeVarLong(out, value);
    }

    private static void writeVarLong(OutputStream out, long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static int readVarInt(InputStream in) throws IOException {
        return Math.toIntExact(readVarLong(in));
    }

    private static long readVarLong(InputStream in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("malformed number");
    }
}
