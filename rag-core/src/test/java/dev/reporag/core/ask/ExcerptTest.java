package dev.reporag.core.ask;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExcerptTest {
    /** cobra's args.go as its passage starts: a licence's end, imports, then the line that answers. */
    private static final List<String> ARGS_GO = List.of(
            "// limitations under the License.",
            "",
            "package cobra",
            "",
            "import (",
            "\t\"fmt\"",
            "\t\"strings\"",
            ")",
            "",
            "type PositionalArgs func(cmd *Command, args []string) error",
            "",
            "// legacyArgs validation has the following behaviour:",
            "//   - root commands with no subcommands can take arbitrary arguments",
            "//   - root commands with subcommands will do subcommand validity checking",
            "//   - subcommands will always accept arbitrary arguments",
            "func legacyArgs(cmd *Command, args []string) error {",
            "\t// no subcommand, always take args",
            "\tif !cmd.HasSubCommands() {",
            "\t\treturn nil",
            "\t}",
            "",
            "\t// root command with subcommands, do subcommand checking.",
            "\tif !cmd.HasParent() && len(args) > 0 {",
            "\t\treturn fmt.Errorf(\"unknown command %q for %q%s\", args[0], cmd.CommandPath(), cmd.findSuggestions(args[0]))",
            "\t}",
            "\treturn nil",
            "}",
            "",
            "// NoArgs returns an error if any args are included.",
            "func NoArgs(cmd *Command, args []string) error {",
            "\tif len(args) > 0 {",
            "\t\treturn fmt.Errorf(\"unknown command %q for %q\", args[0], cmd.CommandPath())",
            "\t}",
            "\treturn nil",
            "}");

    @Test
    void theLinesThatHoldTheQuestionsWordsAreShownWithTwoLinesAbove() {
        Excerpt shown = Excerpt.of(ARGS_GO, "what error is returned for an unknown command", 12);

        assertThat(shown.to() - shown.from()).isEqualTo(12);
        assertThat(ARGS_GO.subList(shown.from(), shown.to()))
                .anyMatch(line -> line.contains("unknown command %q for %q%s"));
        assertThat(shown.from()).as("no licence, no imports").isGreaterThan(8);
    }

    @Test
    void rareWordsCountMoreThanWordsOnEveryLine() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lines.add("cmd.args[" + i + "] = cmd.value(" + i + ")");
        }
        lines.set(30, "cmd.suggestions = findSuggestions(cmd.args)");
        Excerpt shown = Excerpt.of(lines, "where are cmd suggestions found?", 12);

        assertThat(shown.from()).isEqualTo(28);
        assertThat(shown.to()).isEqualTo(40);
    }

    @Test
    void withoutAnyWordOfTheQuestionThePassageOpens() {
        assertThat(Excerpt.of(ARGS_GO, "how are colours themed?", 12)).isEqualTo(new Excerpt(0, 12));
        assertThat(Excerpt.of(ARGS_GO, "how is it?", 12)).as("stop words only").isEqualTo(new Excerpt(0, 12));
        assertThat(Excerpt.of(ARGS_GO.subList(0, 5), "unknown command", 12)).isEqualTo(new Excerpt(0, 5));
    }

    @Test
    void codeWordsAreSplitAsTheyAreWritten() {
        assertThat(Excerpt.words("parseConfigFile HTTPServer snake_case_name v2Api"))
                .contains("parse", "config", "http", "server", "snake", "case", "name", "api")
                .doesNotContain("file", "parseconfigfile");
    }

    @Test
    void chineseQuestionsFindTheirLinesByPairsOfCharacters() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            lines.add("第 " + i + " 行：这里讲的是别的内容。");
        }
        lines.set(20, "## 数组的空位");
        lines.set(21, "数组的空位指的是，数组的某一个位置没有任何值。");

        Excerpt shown = Excerpt.of(lines, "什么是数组的空位？", 12);

        assertThat(shown.from()).isEqualTo(18);
        assertThat(Excerpt.words("数组的空位")).containsExactlyInAnyOrder("数组", "组的", "的空", "空位");
    }
}
