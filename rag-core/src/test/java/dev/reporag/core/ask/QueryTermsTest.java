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
    void aMessageWithValuesFilledInSplitsIntoItsConstantParts() {
        assertThat(QueryTerms.fragments("a project named 'shop' already exists for /home/me/shop; choose another"
                + " with --name")).containsExactly("a project named", "already exists for", "choose another with --name");
        assertThat(QueryTerms.fragments("worker w-1a2b could not claim work (PostgreSQL: Connection refused);"
                + " retrying in 8000 ms")).containsExactly("could not claim work", "retrying in");
        assertThat(QueryTerms.fragments("unexpected error (NullPointerException); see the worker log for details"))
                .containsExactly("unexpected error", "see the worker log for details");
        assertThat(QueryTerms.fragments("3 of 512 inputs are longer than 8192 tokens: each is embedded"))
                .containsExactly("inputs are longer than", "tokens: each is embedded");
        // An apostrophe inside a word opens no quoted value; a name of code is a filled-in value.
        assertThat(QueryTerms.fragments("OpenAI refused access (403); check the key's permissions"))
                .containsExactly("refused access", "check the key's permissions");
        assertThat(QueryTerms.fragments("'windowSize' must be greater than zero"))
                .containsExactly("must be greater than zero");
    }

    @Test
    void aMessageWithNothingFilledInHasNoParts() {
        assertThat(QueryTerms.fragments("Task already scheduled or cancelled")).isEmpty();
        assertThat(QueryTerms.fragments("duplicate element:")).isEmpty();

    }

    @Test
    void plainProseHasNone() {
        assertThat(QueryTerms.identifiers("Which class lets threads wait until a count reaches zero? It's e.g. fine."))
                .isEmpty();
    }
}
