package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CjkPairsTest {
    @Test
    void runsOfCjkCharactersBecomeOverlappingPairsAndOtherTextStaysWhole() {
        assertThat(CjkPairs.pieces("异步函数")).containsExactly("异步", "步函", "函数");
        assertThat(CjkPairs.pieces("Promise对象的then方法")).containsExactly("Promise", "对象", "象的", "then", "方法");
    }

    @Test
    void aLoneCharacterAndOtherScriptsAndWordsWithoutCjk() {
        assertThat(CjkPairs.pieces("值")).containsExactly("值");
        assertThat(CjkPairs.pieces("a値b")).containsExactly("a", "値", "b");
        assertThat(CjkPairs.pieces("ひらがなカタカナ")).containsExactly("ひら", "らが", "がな", "なカ", "カタ", "タカ", "カナ");
        assertThat(CjkPairs.pieces("비동기")).containsExactly("비동", "동기");
        assertThat(CjkPairs.pieces("parseConfigFile")).containsExactly("parseConfigFile");
        assertThat(CjkPairs.pieces("")).isEmpty();
        assertThat(CjkPairs.hasCjk("résumé naïve Ωmega")).isFalse();
        assertThat(CjkPairs.hasCjk("see 函数")).isTrue();
    }
}
