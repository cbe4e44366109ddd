package dev.reporag.core.policy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Declaration-aware cuts per language family, and the enclosing declarations named in embedder headers. */
class CodeAwareChunkingTest {
    private final Chunker chunker = Chunker.defaults();

    /** Splits {@code count} functions written with no blank line between them. */
    private List<TextChunk> splitFunctions(String prefix, int count, IntFunction<String> function, String suffix) {
        String text = prefix + IntStream.range(0, count).mapToObj(function).collect(Collectors.joining()) + suffix;
        List<TextChunk> chunks = chunker.split(text);
        List<String> lines = Chunker.lines(text);
        assertThat(chunks).hasSizeGreaterThan(2);
        for (TextChunk chunk : chunks) {
            assertThat(chunk.text()).isEqualTo(String.join("", lines.subList(chunk.startLine() - 1, chunk.endLine())));
            assertThat(chunk.text().length()).isLessThanOrEqualTo(1000);
        }
        return chunks;
    }

    /** Every chunk but the last ends just before a line that starts with {@code start}. */
    private static void assertCutsBefore(String text, List<TextChunk> chunks, String start) {
        List<String> lines = Chunker.lines(text);
        for (TextChunk chunk : chunks.subList(0, chunks.size() - 1)) {
            assertThat(lines.get(chunk.endLine()).strip()).as("line after %s-%s", chunk.startLine(), chunk.endLine())
                    .startsWith(start);
        }
    }

    private void assertFunctionsStayWhole(String prefix, int count, IntFunction<String> function, String start) {
        String text = prefix + IntStream.range(0, count).mapToObj(function).collect(Collectors.joining());
        assertCutsBefore(text, splitFunctions(prefix, count, function, ""), start);
    }

    @Test
    void pythonCutsBeforeDefAndClass() {
        assertFunctionsStayWhole("import os\n", 20, i -> "def handler_" + i + "(request):\n"
                + "    value = compute(request, " + i + ")\n    if value:\n        return value * 2\n"
                + "    return None\n", "def handler_");
        assertFunctionsStayWhole("class Service:\n", 20, i -> "    async def method_" + i + "(self, x):\n"
                + "        total = await self.fetch(x, " + i + ")\n        return total + 1\n", "async def method_");
    }

    @Test
    void goCutsBeforeFunc() {
        assertFunctionsStayWhole("package server\n", 20, i -> "func (s *Server) Handle" + i
                + "(w http.ResponseWriter) error {\n\tcount := s.counter.Add(" + i + ")\n"
                + "\tif count > 10 {\n\t\treturn errTooMany\n\t}\n\treturn nil\n}\n", "func (s *Server) Handle");
    }

    @Test
    void javaScriptCutsBeforeFunctionsExportsAndClassMethods() {
        assertFunctionsStayWhole("'use strict';\n", 20, i -> "function handler" + i + "(req, res) {\n"
                + "  const value = compute(req.body, " + i + ");\n  if (value) {\n    return res.send(value);\n  }\n"
                + "}\n", "function handler");
        assertFunctionsStayWhole("import x from 'y';\n", 20, i -> "export const handler" + i
                + " = async (req: Request): Promise<Response> => {\n  const value = await compute(req, " + i + ");\n"
                + "  return new Response(value);\n};\n", "export const handler");
        assertFunctionsStayWhole("class Store {\n", 20, i -> "  async fetchItem" + i + "(id) {\n"
                + "    const row = await this.db.get(id, " + i + ");\n    if (!row) {\n      throw new Error('no');\n"
                + "    }\n    return row;\n  }\n", "async fetchItem");
    }

    @Test
    void rustCutsBeforeFnAndImpl() {
        assertFunctionsStayWhole("use std::io;\n", 20, i -> "pub(crate) fn handle_" + i + "(x: u32) -> u32 {\n"
                + "    let doubled = x * 2 + " + i + ";\n    if doubled > 10 {\n        return doubled;\n    }\n"
                + "    x\n}\n", "pub(crate) fn handle_");
        assertFunctionsStayWhole("use std::fmt;\n", 20, i -> "impl fmt::Display for Item" + i + " {\n"
                + "    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {\n"
                + "        write!(f, \"item {}\", self.id)\n    }\n}\n", "impl fmt::Display");
    }

    @Test
    void javaDocCommentsAndAnnotationsStayWithTheirMethod() {
        assertFunctionsStayWhole("class Service {\n", 20, i -> "    /**\n     * Computes value " + i + ".\n     */\n"
                + "    @Override\n    public int method" + i + "(int value) {\n"
                + "        int doubled = value + value;\n        return doubled * " + i + ";\n    }\n", "/**");
    }

    @Test
    void controlStatementsAreNotDeclarations() {
        // Long bodies with "if (" and "return f(" lines at shallow depth: cuts still land before "def".
        assertFunctionsStayWhole("", 12, i -> "def step_" + i + "(x):\n" + "  if (x):\n    return g(x)\n".repeat(6)
                + "  return f(x)\n", "def step_");
    }

    private static String enclosing(String language, String text, int startLine) {
        int lines = Chunker.lines(text).size();
        TextChunk chunk = new TextChunk(startLine, lines, "unused");
        return EnclosingDeclarations.of(text, language, List.of(chunk)).get(0);
    }

    @Test
    void aDeclarationIsShortenedToOneLineOfSingleSpacesWithoutItsBody() {
        String text = "public\tclass  Cart\r {\n    int count;\n    Money   total(int\tx)  {\n        return x;\n    }\n}\n";

        assertThat(enclosing("java", text, 4)).isEqualTo("public class Cart > Money total(int x)");
        assertThat(enclosing("python", "class Cart:\n    def total(self) ->  int :\n        pass\n", 3))
                .isEqualTo("class Cart > def total(self) -> int");
    }

    @Test
    void enclosingJavaClassAndMethod() {
        String text = """
                package shop;

                /** A cart. */
                @Entity
                public class Cart extends Base implements Serializable {
                    private int count;

                    /**
                     * The sum.
                     */
                    public Money total(List<Item> items) throws IOException {
                        Money sum = Money.ZERO;
                        for (Item item : items) {
                            if (item.counted()) {
                                sum = sum.plus(item.price());
                            }
                        }
                        return sum;
                    }

                    static final class Line<T extends Comparable<? super T>> {
                        int quantity;
                    }
                }
                """;
        assertThat(enclosing("java", text, 15)).isEqualTo("public class Cart extends Base implements Serializable"
                + " > public Money total(List<Item> items) throws IOException");
        assertThat(enclosing("java", text, 12)).endsWith("> public Money total(List<Item> items) throws IOException");
        assertThat(enclosing("java", text, 9)).isEqualTo("public class Cart extends Base implements Serializable");
        assertThat(enclosing("java", text, 22)).isEqualTo("public class Cart extends Base implements Serializable"
                + " > static final class Line<T extends Comparable<? super T>>");
        assertThat(enclosing("java", text, 5)).isEmpty(); // the declaration itself is in the chunk
        assertThat(enclosing("kotlin", "class A {\n    fun run(x: Int): Int {\n        return x\n    }\n}\n", 3))
                .isEqualTo("class A > fun run(x: Int): Int");
    }

    @Test
    void enclosingPythonGoJavaScriptRustAndC() {
        String python = "import os\n\nclass Loader(Base):\n    def load(self, path: str) -> dict:\n"
                + "        with open(path) as f:\n            return parse(f)\n\n"
                + "def helper():\n    pass\n\nif __name__ == \"__main__\":\n    main()\n";
        assertThat(enclosing("python", python, 6)).isEqualTo("class Loader(Base) > def load(self, path: str) -> dict");
        assertThat(enclosing("python", python, 12)).isEmpty(); // inside an "if", not inside helper()

        String go = "package cart\n\nfunc (c *Cart) Total() int {\n\tsum := 0\n\tfor _, i := range c.items {\n"
                + "\t\tsum += i.Price\n\t}\n\treturn sum\n}\n";
        assertThat(enclosing("go", go, 6)).isEqualTo("func (c *Cart) Total() int");

        String js = "export class Cart {\n  constructor(items) {\n    this.items = items;\n  }\n\n"
                + "  async total(tax) {\n    if (tax) {\n      return this.sum() * tax;\n    }\n  }\n}\n"
                + "export const load = async (path) => {\n  return read(path);\n};\n";
        assertThat(enclosing("javascript", js, 8)).isEqualTo("export class Cart > async total(tax)");
        assertThat(enclosing("typescript", js, 13)).isEqualTo("export const load = async (path)");

        String rust = "impl Cart {\n    pub fn total(&self) -> u32 {\n        self.items.iter()\n"
                + "            .map(|i| i.price)\n            .sum()\n    }\n}\n";
        assertThat(enclosing("rust", rust, 4)).isEqualTo("impl Cart > pub fn total(&self) -> u32");

        String c = "#include <stdio.h>\n\nstatic int cart_total(struct cart *c)\n{\n    int sum = 0;\n"
                + "    for (int i = 0; i < c->n; i++) {\n        sum += c->items[i];\n    }\n    return sum;\n}\n";
        assertThat(enclosing("c", c, 7)).isEqualTo("static int cart_total(struct cart *c)");
    }

    @Test
    void headersLoseBodiesTrailingColonsAndArrowsAndRunsOfWhiteSpace() {
        assertThat(enclosing("java", "public\tclass   Odd  { int y;\n    int x;\n}\n", 2)).isEqualTo("public class Odd");
        assertThat(enclosing("python", "class A :\n    def  run(self) :  \n        pass\n", 3))
                .isEqualTo("class A > def run(self)");
        assertThat(enclosing("scala", "object B {\n    def f(x: Int) =>\n        x\n}\n", 3))
                .isEqualTo("object B > def f(x: Int)");
    }

    @Test
    void noHeaderWhereNothingIsCheapToFind() {
        assertThat(enclosing("markdown", "# Title\n\n    indented code\n", 3)).isEmpty();
        assertThat(enclosing("java", "class A {\n}\n", 1)).isEmpty();
        String longName = "class " + "A".repeat(200) + " {\n    int x;\n}\n";
        assertThat(enclosing("java", longName, 2)).hasSize(70).endsWith("...");
    }

    @Test
    void oneEntryPerChunkOfARealSplit() {
        StringBuilder text = new StringBuilder("public class Big {\n");
        for (int m = 0; m < 30; m++) {
            text.append("    void method").append(m).append("() {\n")
                    .append("        call(").append(m).append(");\n".repeat(1))
                    .append("        call(").append(m + 1).append(");\n    }\n");
        }
        text.append("}\n");
        List<TextChunk> chunks = chunker.split(text.toString());
        List<String> declarations = EnclosingDeclarations.of(text.toString(), "java", chunks);

        assertThat(declarations).hasSameSizeAs(chunks);
        assertThat(declarations.get(0)).isEmpty();
        assertThat(declarations.subList(1, declarations.size())).allSatisfy(d -> assertThat(d).startsWith(
                "public class Big"));
    }
}
