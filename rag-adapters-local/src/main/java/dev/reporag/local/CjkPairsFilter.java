package dev.reporag.local;

import dev.reporag.core.policy.CjkPairs;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A word holding Chinese, Japanese or Korean characters becomes its pieces ({@link CjkPairs}):
 * "异步函数" the pairs 异步, 步函, 函数, one after the other; other words pass unchanged.
 */
final class CjkPairsFilter extends TokenFilter {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute position = addAttribute(PositionIncrementAttribute.class);
    private final Deque<String> pending = new ArrayDeque<>();
    private State word;

    CjkPairsFilter(TokenStream input) {
        super(input);
    }

    @Override
    public boolean incrementToken() throws IOException {
        if (!pending.isEmpty()) {
            restoreState(word);
            term.setEmpty().append(pending.poll());
            position.setPositionIncrement(1);
            return true;
        }
        if (!input.incrementToken()) {
            return false;
        }
        if (!CjkPairs.hasCjk(term)) {
            return true;
        }
        List<String> pieces = CjkPairs.pieces(term.toString());
        word = captureState();
        term.setEmpty().append(pieces.get(0));
        pending.addAll(pieces.subList(1, pieces.size()));
        return true;
    }

    @Override
    public void reset() throws IOException {
        super.reset();
        pending.clear();
        word = null;
    }
}
