package dev.reporag.local;

import org.apache.lucene.codecs.FieldsProducer;
import org.apache.lucene.codecs.StoredFieldsReader;
import org.apache.lucene.index.BaseTermsEnum;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.FilterCodecReader;
import org.apache.lucene.index.ImpactsEnum;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SlowImpactsEnum;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.DataInput;
import org.apache.lucene.util.BitSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;

/**
 * Some chunk documents of one segment as another project's, to be added with
 * {@code IndexWriter.addIndexes}: the documents not copied read as deleted, and the two fields that
 * name a chunk's project (the project id and the chunk id) read with the new values, in their
 * terms and stored values alike. Every other field's terms, norms, doc values and stored values are
 * merged as they are, so no text is analysed again.
 */
final class CopiedChunks extends FilterCodecReader {
    private final FixedBitSet copied;
    /** The documents copied, in order. */
    private final int[] docs;
    private final String idField;
    private final String projectField;
    private final String project;
    /** The new chunk id of each document copied, by document number; null for the others. */
    private final String[] ids;

    CopiedChunks(CodecReader in, FixedBitSet copied, String idField, String projectField, String project,
                 String[] ids) {
        super(in);
        this.copied = copied;
        this.docs = documents(copied);
        this.idField = idField;
        this.projectField = projectField;
        this.project = project;
        this.ids = ids;
    }

    @Override
    public Bits getLiveDocs() {
        return copied;
    }

    @Override
    public int numDocs() {
        return docs.length;
    }

    @Override
    public FieldsProducer getPostingsReader() {
        return new RenamedFields(in.getPostingsReader());
    }

    @Override
    public StoredFieldsReader getFieldsReader() {
        return new RenamedStoredFields(in.getFieldsReader());
    }

    /** The project's and chunk ids' terms as copied; every other field's as they are. */
    private Terms renamed(String field, Terms segmentTerms) {
        if (field.equals(projectField)) {
            return new FixedTerms(new BytesRef[]{new BytesRef(project)}, new int[][]{docs}, docs.length);
        }
        if (field.equals(idField)) {
            Integer[] order = new Integer[docs.length];
            BytesRef[] idTerms = new BytesRef[docs.length];
            for (int i = 0; i < docs.length; i++) {
                order[i] = i;
                idTerms[i] = new BytesRef(ids[docs[i]]);
            }
            Arrays.sort(order, Comparator.comparing(i -> idTerms[i]));
            BytesRef[] sorted = new BytesRef[docs.length];
            int[][] postings = new int[docs.length][];
            for (int i = 0; i < docs.length; i++) {
                sorted[i] = idTerms[order[i]];
                postings[i] = new int[]{docs[order[i]]};
            }
            return new FixedTerms(sorted, postings, docs.length);
        }
        return segmentTerms;
    }

    /** The documents set in {@code selected}, in order. */
    static int[] documents(FixedBitSet selected) {
        int[] docs = new int[selected.cardinality()];
        BitSetIterator it = new BitSetIterator(selected, docs.length);
        int next = 0;
        for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
            docs[next++] = doc;
        }
        return docs;
    }

    /** The segment's postings, the project's and chunk ids' renamed; owned by the segment, never closed here. */
    private final class RenamedFields extends FieldsProducer {
        private final FieldsProducer fields;

        RenamedFields(FieldsProducer fields) {
            this.fields = fields;
        }

        @Override
        public Iterator<String> iterator() {
            return fields.iterator();
        }

        @Override
        public Terms terms(String field) throws IOException {
            return renamed(field, fields.terms(field));
        }

        @Override
        public int size() {
            return fields.size();
        }

        @Override
        public void checkIntegrity() throws IOException {
            fields.checkIntegrity();
        }

        @Override
        public FieldsProducer getMergeInstance() {
            return new RenamedFields(fields.getMergeInstance());
        }

        @Override
        public void close() {
        }
    }

    /**
     * The segment's stored fields, the project and chunk id renamed. The merge instance reads
     * documents in order, decompressing each block once (reading them one by one decompressed a
     * block per document: most of the time of a copy).
     */
    private final class RenamedStoredFields extends StoredFieldsReader {
        private final StoredFieldsReader stored;

        RenamedStoredFields(StoredFieldsReader stored) {
            this.stored = stored;
        }

        @Override
        public void document(int docID, StoredFieldVisitor visitor) throws IOException {
            stored.document(docID, renaming(docID, visitor));
        }

        @Override
        public StoredFieldsReader clone() {
            return new RenamedStoredFields(stored.clone());
        }

        @Override
        public StoredFieldsReader getMergeInstance() {
            return new RenamedStoredFields(stored.getMergeInstance());
        }

        @Override
        public void checkIntegrity() throws IOException {
            stored.checkIntegrity();
        }

        @Override
        public void close() {
        }
    }

    /** A visitor that hands on every stored value, the new project and chunk id in place of the old. */
    private StoredFieldVisitor renaming(int docID, StoredFieldVisitor visitor) {
        return new StoredFieldVisitor() {
            @Override
            public Status needsField(FieldInfo fieldInfo) throws IOException {
                return visitor.needsField(fieldInfo);
            }

            @Override
            public void stringField(FieldInfo fieldInfo, String value) throws IOException {
                String renamed = fieldInfo.name.equals(idField) ? ids[docID]
                        : fieldInfo.name.equals(projectField) ? project : value;
                visitor.stringField(fieldInfo, renamed);
            }

            @Override
            public void binaryField(FieldInfo fieldInfo, DataInput value, int length) throws IOException {
                visitor.binaryField(fieldInfo, value, length);
            }

            @Override
            public void binaryField(FieldInfo fieldInfo, byte[] value) throws IOException {
                visitor.binaryField(fieldInfo, value);
            }

            @Override
            public void intField(FieldInfo fieldInfo, int value) throws IOException {
                visitor.intField(fieldInfo, value);
            }

            @Override
            public void longField(FieldInfo fieldInfo, long value) throws IOException {
                visitor.longField(fieldInfo, value);
            }

            @Override
            public void floatField(FieldInfo fieldInfo, float value) throws IOException {
                visitor.floatField(fieldInfo, value);
            }

            @Override
            public void doubleField(FieldInfo fieldInfo, double value) throws IOException {
                visitor.doubleField(fieldInfo, value);
            }
        };
    }

    @Override
    public CacheHelper getCoreCacheHelper() {
        return null;
    }

    @Override
    public CacheHelper getReaderCacheHelper() {
        return null;
    }

    /** Terms of a field indexed with documents only (no frequencies or positions), given in order. */
    private static final class FixedTerms extends Terms {
        private final BytesRef[] terms;
        private final int[][] docs;
        private final int docCount;
        private final long sumDocFreq;

        FixedTerms(BytesRef[] terms, int[][] docs, int docCount) {
            this.terms = terms;
            this.docs = docs;
            this.docCount = docCount;
            this.sumDocFreq = Arrays.stream(docs).mapToLong(d -> d.length).sum();
        }

        @Override
        public TermsEnum iterator() {
            return new FixedTermsEnum();
        }

        @Override
        public long size() {
            return terms.length;
        }

        @Override
        public long getSumTotalTermFreq() {
            return sumDocFreq;
        }

        @Override
        public long getSumDocFreq() {
            return sumDocFreq;
        }

        @Override
        public int getDocCount() {
            return docCount;
        }

        @Override
        public boolean hasFreqs() {
            return false;
        }

        @Override
        public boolean hasOffsets() {
            return false;
        }

        @Override
        public boolean hasPositions() {
            return false;
        }

        @Override
        public boolean hasPayloads() {
            return false;
        }

        private final class FixedTermsEnum extends BaseTermsEnum {
            private int ord = -1;

            @Override
            public BytesRef next() {
                return ++ord < terms.length ? terms[ord] : null;
            }

            @Override
            public SeekStatus seekCeil(BytesRef text) {
                int found = Arrays.binarySearch(terms, text);
                if (found >= 0) {
                    ord = found;
                    return SeekStatus.FOUND;
                }
                ord = -found - 1;
                return ord < terms.length ? SeekStatus.NOT_FOUND : SeekStatus.END;
            }

            @Override
            public void seekExact(long ord) {
                this.ord = (int) ord;
            }

            @Override
            public BytesRef term() {
                return terms[ord];
            }

            @Override
            public long ord() {
                return ord;
            }

            @Override
            public int docFreq() {
                return docs[ord].length;
            }

            @Override
            public long totalTermFreq() {
                return docs[ord].length;
            }

            @Override
            public PostingsEnum postings(PostingsEnum reuse, int flags) {
                return new FixedPostings(docs[ord]);
            }

            @Override
            public ImpactsEnum impacts(int flags) {
                return new SlowImpactsEnum(postings(null, flags));
            }
        }
    }

    /** The documents of one term, in order, each once. */
    private static final class FixedPostings extends PostingsEnum {
        private final int[] docs;
        private int index = -1;
        private int doc = -1;

        FixedPostings(int[] docs) {
            this.docs = docs;
        }

        @Override
        public int docID() {
            return doc;
        }

        @Override
        public int nextDoc() {
            doc = ++index < docs.length ? docs[index] : NO_MORE_DOCS;
            return doc;
        }

        @Override
        public int advance(int target) throws IOException {
            return slowAdvance(target);
        }

        @Override
        public long cost() {
            return docs.length;
        }

        @Override
        public int freq() {
            return 1;
        }

        @Override
        public int nextPosition() {
            return -1;
        }

        @Override
        public int startOffset() {
            return -1;
        }

        @Override
        public int endOffset() {
            return -1;
        }

        @Override
        public BytesRef getPayload() {
            return null;
        }
    }
}
