package dev.reporag.core.ask;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueryTermsTest {
    @Test
    void codeLikeWordsAreFound() {
        assertThat(QueryTerms.identifiers("where is parseConfigFile defined?")).containsExactly("parseConfigFile");
        assertThat(QueryTerms.identifiers("what does compute_shipping_cost return? and COUNT_BITS?"))
                .containsExactly("compute_shipping_cost", "COUNT_BITS");
        assertThat(QueryTerms.identifiers("which class is CountDownLatch, not Latch or JSON?"))
                .containsExactly("CountDownLatch");
        assertThat(QueryTerms.identifiers("what is in src/billing/InvoiceFormatter.java?"))
                .containsExactly("src/billing/InvoiceFormatter.java");
        assertThat(QueryTerms.identifiers("explain `Map.Entry` and submit() in AbstractExecutorService."))
                .containsExactly("Map.Entry", "AbstractExecutorService");
    }

    @Test
    void quotedPhrasesAreFound() {
        assertThat(QueryTerms.phrases("Set.of throws \"duplicate element:\", where?")).containsExactly("duplicate element:");
        assertThat(QueryTerms.phrases("what does \u201Cstream has already been operated upon\u201D mean, and `x = y + 1`?"))
                .containsExactly("stream has already been operated upon", "x = y + 1");
        assertThat(QueryTerms.phrases("is `Timer` or \"ok\" a word, and `scheduleAtFixedRate`?"))
                .containsExactly("scheduleAtFixedRate"); // one short word stays an ordinary word
        assertThat(QueryTerms.phrases("an \"unclosed quote\nacross lines\"")).isEmpty();
    }

    @Test
    void plainProseHasNone() {
        assertThat(QueryTerms.identifiers("Which class lets threads wait until a count reaches zero? It's e.g. fine."))
                .isEmpty();
    }
}
