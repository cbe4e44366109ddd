package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RepositoryAttributesTest {
    private static RepositoryAttributes of(RepositoryAttributes.File... files) {
        return RepositoryAttributes.parse(List.of(files));
    }

    private static RepositoryAttributes.File root(String text) {
        return new RepositoryAttributes.File("", text);
    }

    @Test
    void readsJqsMarksAsGitDoes() {
        // jq's .gitattributes, as it is.
        RepositoryAttributes jq = of(root("""
                * text=auto eol=lf
                vendor/** linguist-vendored
                # generated files
                src/lexer.[ch] linguist-generated=true
                src/parser.[ch] linguist-generated=true
                """));

        assertThat(jq.exclusionMark("src/parser.c")).contains("linguist-generated");
        assertThat(jq.exclusionMark("src/lexer.h")).contains("linguist-generated");
        // Vendored and documentation marks shape GitHub's language statistics: not read.
        assertThat(jq.exclusionMark("vendor/decNumber/decNumber.c")).isEmpty();
        assertThat(jq.exclusionMark("src/parser.y")).isEmpty();
        assertThat(jq.exclusionMark("src/main.c")).isEmpty();
        // A pattern with a slash is relative to its file's directory, not matched at any depth.
        assertThat(jq.exclusionMark("tests/src/parser.c")).isEmpty();
        assertThat(jq.exclusionMark("tests/src/lexer.h")).isEmpty();
    }

    @Test
    void patternsWithoutASlashMatchNamesAtAnyDepth() {
        RepositoryAttributes attributes = of(root("""
                *.pb.go linguist-generated
                zz_generated.*.go linguist-generated=true
                **/testdata/** linguist-generated
                *.ipynb linguist-documentation
                *.html linguist-vendored
                """));

        assertThat(attributes.exclusionMark("api/v1/types.pb.go")).contains("linguist-generated");
        assertThat(attributes.exclusionMark("pkg/apis/zz_generated.deepcopy.go")).contains("linguist-generated");
        assertThat(attributes.exclusionMark("testdata/a.txt")).contains("linguist-generated");
        assertThat(attributes.exclusionMark("pkg/x/testdata/b/c.json")).contains("linguist-generated");
        // Written so that GitHub shows the repository as Python: the notebooks are still its own.
        assertThat(attributes.exclusionMark("analysis/churn.ipynb")).isEmpty();
        assertThat(attributes.exclusionMark("site/index.html")).isEmpty();
        // '*' stays within one name.
        assertThat(attributes.exclusionMark("api/v1/types.pb.go.orig")).isEmpty();
        assertThat(attributes.exclusionMark("pkg/types.go")).isEmpty();
    }

    @Test
    void laterLinesAndDeeperFilesOverrideAndMarksCanBeUndone() {
        RepositoryAttributes attributes = of(
                new RepositoryAttributes.File("web", """
                        *.js -linguist-generated
                        dist/*.js linguist-generated
                        """),
                root("""
                        *.js linguist-generated
                        src/keep.js linguist-generated=false
                        src/unset.js !linguist-generated
                        src/one.js linguist-generated=1
                        """));

        assertThat(attributes.exclusionMark("src/app.js")).contains("linguist-generated");
        assertThat(attributes.exclusionMark("src/keep.js")).isEmpty();
        assertThat(attributes.exclusionMark("src/unset.js")).isEmpty();
        assertThat(attributes.exclusionMark("src/one.js")).contains("linguist-generated");
        // web/.gitattributes is deeper than the root's: its lines win for files under web/.
        assertThat(attributes.exclusionMark("web/app.js")).isEmpty();
        assertThat(attributes.exclusionMark("web/dist/bundle.js")).contains("linguist-generated");
        assertThat(attributes.exclusionMark("web/src/dist/bundle.js")).isEmpty();
    }

    @Test
    void whatGitWouldNotApplyToAFileIsNotApplied() {
        RepositoryAttributes attributes = of(root("""
                vendor/ linguist-generated
                !*.js linguist-generated
                [attr]gen linguist-generated
                *.txt text eol=lf
                "quoted name.c" linguist-generated
                *.c linguist-language=C
                """));

        // A directory pattern names no file; negative patterns and macros are not rules here.
        assertThat(attributes.exclusionMark("vendor/lib.c")).isEmpty();
        assertThat(attributes.exclusionMark("a.js")).isEmpty();
        assertThat(attributes.exclusionMark("notes.txt")).isEmpty();
        assertThat(attributes.exclusionMark("main.c")).isEmpty();
        assertThat(of(root("# nothing\n\n"))).isSameAs(RepositoryAttributes.NONE);
    }
}
