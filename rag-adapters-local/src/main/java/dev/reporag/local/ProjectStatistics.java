package dev.reporag.local;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * BM25's statistics over one project's live chunks, where Lucene's are over the whole index: every
 * project sharing it, and the deleted chunks a background merge has not yet dropped. With Lucene's,
 * a keyword search's order changed with the merge state and with other projects' indexing, on
 * chunks that had not changed; with these, it depends on the project's chunks alone. For a project
 * alone in an index without deletions they are Lucene's own.
 *
 * <p>A segment's share (the project's documents, their number per field and their lengths) is
 * counted once per segment and state of its deletions, and dropped with the segment's reader; a
 * term's counts are read from its postings at each search (a few per question).
 */
final class ProjectStatistics {
    private final String projectField;
    /** Per segment and state of its deletions: the counts of each project and field. */
    private final Map<IndexReader.CacheKey, SegmentCounts> perSegment = new ConcurrentHashMap<>();

    /** @param projectField the indexed field naming a chunk's project */
    ProjectStatistics(String projectField) {
        this.projectField = projectField;
    }

    /** A searcher of the reader whose scores use the project's statistics. */
    IndexSearcher searcher(IndexReader reader, String project) {
        return new IndexSearcher(reader) {
            @Override
            public CollectionStatistics collectionStatistics(String field) throws IOException {
                long docCount = 0;
                long sumTotalTermFreq = 0;
                long sumDocFreq = 0;
                for (LeafReaderContext leaf : getIndexReader().leaves()) {
                    FieldCounts counts = fieldCounts(leaf.reader(), project, field);
                    docCount += counts.docCount();
                    sumTotalTermFreq += counts.sumTotalTermFreq();
                    sumDocFreq += counts.sumDocFreq();
                }
                int maxDoc = Math.max(1, getIndexReader().maxDoc());
                // No chunk of the project has the field: nothing of it will be scored, but Lucene
                // wants statistics for every term that occurs in the index.
                return docCount == 0 ? new CollectionStatistics(field, maxDoc, 1, 1, 1)
                        : new CollectionStatistics(field, maxDoc, docCount, sumTotalTermFreq, sumDocFreq);
            }

            @Override
            public TermStatistics termStatistics(Term term, int docFreq, long totalTermFreq) throws IOException {
                long projectDocFreq = 0;
                long projectTotalTermFreq = 0;
                for (LeafReaderContext leaf : getIndexReader().leaves()) {
                    FixedBitSet projectDocs = projectDocs(leaf.reader(), project);
                    Terms terms = leaf.reader().terms(term.field());
                    if (projectDocs == null || terms == null) {
                        continue;
                    }
                    TermsEnum termsEnum = terms.iterator();
                    if (!termsEnum.seekExact(term.bytes())) {
                        continue;
                    }
                    PostingsEnum postings = termsEnum.postings(null, PostingsEnum.FREQS);
                    for (int doc = nextShared(postings, projectDocs, postings.nextDoc()); doc != DocIdSetIterator.NO_MORE_DOCS;
                         doc = nextShared(postings, projectDocs, postings.nextDoc())) {
                        projectDocFreq++;
                        projectTotalTermFreq += postings.freq();
                    }
                }
                // A term no chunk of the project holds scores none of them; Lucene still asks.
                return projectDocFreq == 0 ? new TermStatistics(term.bytes(), 1, 1)
                        : new TermStatistics(term.bytes(), projectDocFreq, projectTotalTermFreq);
            }
        };
    }

    /** A field's counts over a project's chunks in one segment. */
    private record FieldCounts(long docCount, long sumTotalTermFreq, long sumDocFreq) {
    }

    /** What is counted of one segment in one state of its deletions: per project, and per project and field. */
    private record SegmentCounts(Map<String, Optional<FixedBitSet>> docs, Map<String, FieldCounts> fields) {
        SegmentCounts() {
            this(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        }
    }

    /**
     * The first document from {@code doc} on (the postings' current one) that is also the project's,
     * the postings positioned on it: each side skips to the other's next, so a project that is a
     * small share of the index reads little of a common term's postings.
     */
    private static int nextShared(PostingsEnum postings, FixedBitSet projectDocs, int doc) throws IOException {
        while (doc != DocIdSetIterator.NO_MORE_DOCS) {
            int mine = projectDocs.nextSetBit(doc);
            if (mine == doc || mine == DocIdSetIterator.NO_MORE_DOCS) {
                return mine;
            }
            doc = postings.advance(mine);
        }
        return doc;
    }

    /** The project's live documents of the segment, or null when it has none there. */
    private FixedBitSet projectDocs(LeafReader reader, String project) throws IOException {
        SegmentCounts counts = segmentCounts(reader);
        Optional<FixedBitSet> cached = counts.docs().get(project);
        if (cached != null) {
            return cached.orElse(null);
        }
        FixedBitSet docs = null;
        Terms terms = reader.terms(projectField);
        TermsEnum termsEnum = terms == null ? null : terms.iterator();
        if (termsEnum != null && termsEnum.seekExact(new BytesRef(project))) {
            Bits live = reader.getLiveDocs();
            PostingsEnum postings = termsEnum.postings(null, PostingsEnum.NONE);
            for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                if (live == null || live.get(doc)) {
                    if (docs == null) {
                        docs = new FixedBitSet(reader.maxDoc());
                    }
                    docs.set(doc);
                }
            }
        }
        counts.docs().put(project, Optional.ofNullable(docs));
        return docs;
    }

    private FieldCounts fieldCounts(LeafReader reader, String project, String field) throws IOException {
        SegmentCounts segment = segmentCounts(reader);
        String key = project + '\n' + field;
        FieldCounts cached = segment.fields().get(key);
        if (cached != null) {
            return cached;
        }
        FixedBitSet projectDocs = projectDocs(reader, project);
        Terms terms = reader.terms(field);
        FieldCounts counts = new FieldCounts(0, 0, 0);
        if (projectDocs != null && terms != null) {
            FixedBitSet withField = new FixedBitSet(reader.maxDoc());
            long sumTotalTermFreq = 0;
            long sumDocFreq = 0;
            TermsEnum termsEnum = terms.iterator();
            PostingsEnum postings = null;
            while (termsEnum.next() != null) {
                postings = termsEnum.postings(postings, PostingsEnum.FREQS);
                for (int doc = nextShared(postings, projectDocs, postings.nextDoc()); doc != DocIdSetIterator.NO_MORE_DOCS;
                     doc = nextShared(postings, projectDocs, postings.nextDoc())) {
                    withField.set(doc);
                    sumDocFreq++;
                    sumTotalTermFreq += postings.freq();
                }
            }
            counts = new FieldCounts(withField.cardinality(), sumTotalTermFreq, sumDocFreq);
        }
        segment.fields().put(key, counts);
        return counts;
    }

    /**
     * The counts kept for this segment in this state of its deletions (a reader per state), dropped
     * when that reader closes. A reader that offers no cache key is counted at every search.
     */
    private SegmentCounts segmentCounts(LeafReader reader) {
        IndexReader.CacheHelper helper = reader.getReaderCacheHelper();
        if (helper == null) {
            return new SegmentCounts();
        }
        return perSegment.computeIfAbsent(helper.getKey(), key -> {
            helper.addClosedListener(perSegment::remove);
            return new SegmentCounts();
        });
    }

    /** Segments whose counts are kept: for tests. */
    int segmentsCounted() {
        return perSegment.size();
    }
}
