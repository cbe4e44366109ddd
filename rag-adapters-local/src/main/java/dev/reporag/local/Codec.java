package dev.reporag.local;

import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.PathRules;
import dev.reporag.core.model.Progress;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.Turn;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary forms of the records kept in {@link MvState}. Each starts with a format version, so a
 * later release can read what an earlier one wrote. A field added within a version goes at the
 * end of its record and is read only when bytes remain: older records still open, and an older
 * release reading a newer record ignores what it does not know.
 */
final class Codec {
    private static final int VERSION = 1;

    private Codec() {
    }

    /** A job and its creation sequence, which orders jobs created in the same instant. */
    record StoredJob(long sequence, IngestionJob job) {
    }

    record StoredConversation(ProjectId project, Instant startedAt) {
    }

    static byte[] project(Project p) {
        return write(out -> {
            out.writeUTF(p.id().value());
            out.writeUTF(p.name());
            writeString(out, p.source());
            writeNullable(out, p.ref());
            writeInstant(out, p.createdAt());
            // added after the first release: last
            writeStrings(out, p.paths().include());
            writeStrings(out, p.paths().exclude());
        });
    }

    static Project project(byte[] bytes) {
        return read(bytes, in -> {
            Project project = new Project(new ProjectId(in.readUTF()), in.readUTF(), readString(in),
                    readNullable(in), readInstant(in));
            if (in.available() > 0) { // absent from records written before projects had rules of their own
                project = project.withPaths(new PathRules(readStrings(in), readStrings(in)));
            }
            return project;
        });
    }

    private static void writeStrings(DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String value : values) {
            writeString(out, value);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(readString(in));
        }
        return values;
    }

    static byte[] job(long sequence, IngestionJob j) {
        return write(out -> {
            out.writeLong(sequence);
            out.writeUTF(j.id().value());
            out.writeUTF(j.projectId().value());
            out.writeUTF(j.status().name());
            Progress p = j.progress();
            out.writeInt(p.filesTotal());
            out.writeInt(p.filesDone());
            out.writeInt(p.filesSkipped());
            out.writeLong(p.chunksTotal());
            out.writeLong(p.chunksDone());
            out.writeLong(p.chunksEmbedded());
            out.writeInt(p.percent());
            writeNullableString(out, j.error());
            out.writeInt(j.attempts());
            writeNullable(out, j.commit());
            writeInstant(out, j.createdAt());
            writeNullableInstant(out, j.startedAt());
            writeNullableInstant(out, j.finishedAt());
            writeInstant(out, j.updatedAt());
            writeNullable(out, j.leaseOwner());
            writeNullableInstant(out, j.leaseExpiresAt());
            out.writeLong(p.etaSeconds()); // added after the first release: last
        });
    }

    static StoredJob job(byte[] bytes) {
        return read(bytes, in -> {
            long sequence = in.readLong();
            JobId id = new JobId(in.readUTF());
            ProjectId project = new ProjectId(in.readUTF());
            JobStatus status = JobStatus.valueOf(in.readUTF());
            Progress progress = new Progress(in.readInt(), in.readInt(), in.readInt(), in.readLong(), in.readLong(),
                    in.readLong(), in.readInt());
            String error = readNullableString(in);
            int attempts = in.readInt();
            String commit = readNullable(in);
            Instant created = readInstant(in);
            Instant started = readNullableInstant(in);
            Instant finished = readNullableInstant(in);
            Instant updated = readInstant(in);
            String owner = readNullable(in);
            Instant lease = readNullableInstant(in);
            if (in.available() > 0) { // absent from records written before the estimate was kept
                Progress p = progress;
                progress = new Progress(p.filesTotal(), p.filesDone(), p.filesSkipped(), p.chunksTotal(),
                        p.chunksDone(), p.chunksEmbedded(), p.percent(), in.readLong());
            }
            return new StoredJob(sequence, new IngestionJob(id, project, status, progress, error, attempts, commit,
                    created, started, finished, updated, owner, lease));
        });
    }

    static byte[] conversation(StoredConversation c) {
        return write(out -> {
            out.writeUTF(c.project().value());
            writeInstant(out, c.startedAt());
        });
    }

    static StoredConversation conversation(byte[] bytes) {
        return read(bytes, in -> new StoredConversation(new ProjectId(in.readUTF()), readInstant(in)));
    }

    static byte[] turn(Turn turn, Instant at) {
        return write(out -> {
            writeString(out, turn.question());
            writeString(out, turn.answer());
            writeInstant(out, at);
        });
    }

    static Turn turn(byte[] bytes) {
        return read(bytes, in -> new Turn(readString(in), readString(in)));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalStateException("record format " + version + " is newer than this release reads");
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new IllegalStateException("a stored record is truncated", e);
        }
    }

    // writeUTF is limited to 64 KB; answers and errors can be longer.
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[in.readInt()];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void writeNullableString(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            writeString(out, s);
        }
    }

    private static String readNullableString(DataInputStream in) throws IOException {
        return in.readBoolean() ? readString(in) : null;
    }

    private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    private static void writeNullableInstant(DataOutputStream out, Instant t) throws IOException {
        out.writeBoolean(t != null);
        if (t != null) {
            writeInstant(out, t);
        }
    }

    private static Instant readNullableInstant(DataInputStream in) throws IOException {
        return in.readBoolean() ? readInstant(in) : null;
    }
}
