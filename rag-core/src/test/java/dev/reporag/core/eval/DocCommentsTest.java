package dev.reporag.core.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DocCommentsTest {
    @Test
    void javadocOfMethodsButNotOfClassesOrFields() {
        String java = """
                /**
                 * A cart of the shop, with its lines and totals.
                 */
                public class Cart {
                    /** The lines of the cart in the order they were added to it. */
                    private final List<Line> lines = new ArrayList<>();

                    /**
                     * Computes the total of every line, with {@code discounts} applied
                     * before the tax.<p>
                     * Rounds half up.
                     * @param discounts what to apply
                     */
                    @Override
                    public Money total(List<Discount> discounts) {
                        return null;
                    }

                    /** {@inheritDoc} */
                    public String toString() { return ""; }

                    /** Short one. */
                    void clear() {}

                    /**
                     * Returns the {@link Line#price(int) unit price} of the line at the given index, e.g. the first.
                     */
                    abstract Money price(int index);
                }
                """;
        List<DocComments.DocComment> found = DocComments.find("src/Cart.java", java);

        assertThat(found).extracting(DocComments.DocComment::function).containsExactly("total", "price");
        assertThat(found.get(0).sentence())
                .isEqualTo("Computes the total of every line, with discounts applied before the tax");
        assertThat(found.get(0).startLine()).isEqualTo(8);
        assertThat(found.get(0).endLine()).isEqualTo(13);
        assertThat(found.get(1).sentence())
                .isEqualTo("Returns the unit price of the line at the given index, e.g. the first");
    }

    @Test
    void pythonDocstringsOfFunctions() {
        String python = """
                class Session:
                    \"\"\"A session keeps cookies and pooled connections across requests.\"\"\"

                    def send(self, request,
                             stream=False) -> Response:
                        \"\"\"Sends a prepared request and returns its response.

                        :param request: the request
                        \"\"\"
                        return self.adapter.send(request)

                    async def close(self):
                        '''Closes every adapter of the session and the pooled connections.'''
                        pass

                def helper():
                    return 1
                """;
        List<DocComments.DocComment> found = DocComments.find("requests/sessions.py", python);

        assertThat(found).extracting(DocComments.DocComment::function).containsExactly("send", "close");
        assertThat(found.get(0).sentence()).isEqualTo("Sends a prepared request and returns its response");
        assertThat(found.get(0).startLine()).isEqualTo(6);
        assertThat(found.get(0).endLine()).isEqualTo(9);
        assertThat(found.get(1).startLine()).isEqualTo(13);
        assertThat(found.get(1).endLine()).isEqualTo(13);
    }

    @Test
    void goCommentsDropTheFunctionsOwnName() {
        String go = """
                package chi

                // Mount attaches another http.Handler or chi Router as a subrouter along a
                // routing path. It's very useful to split up a large API.
                func (mx *Mux) Mount(pattern string, handler http.Handler) {
                }

                // NewRouter returns a Mux.
                func NewRouter() *Mux { return nil }

                // helper
                func helper() {}
                """;
        List<DocComments.DocComment> found = DocComments.find("mux.go", go);

        assertThat(found).singleElement().satisfies(c -> {
            assertThat(c.function()).isEqualTo("Mount");
            assertThat(c.sentence()).isEqualTo(
                    "attaches another http.Handler or chi Router as a subrouter along a routing path");
            assertThat(c.startLine()).isEqualTo(3);
            assertThat(c.endLine()).isEqualTo(4);
        });
    }

    @Test
    void jsDocOfFunctionsArrowFunctionsAndMethods() {
        String ts = """
                /**
                 * Creates a middleware that compresses every response body with gzip.
                 */
                export const compress = (options?: Options): MiddlewareHandler => {
                  return async (c, next) => {}
                }

                /**
                 * Merges the default headers of the instance into the request config.
                 */
                export function mergeConfig(config1, config2) {}

                class Hono {
                  /**
                   * Registers a handler for every route that matches the given path.
                   */
                  on(method: string, path: string, handler: H) {}

                  /**
                   * Whether the router has matched the request at least once so far.
                   */
                  matched = false
                }
                """;
        assertThat(DocComments.find("src/index.ts", ts)).extracting(DocComments.DocComment::function)
                .containsExactly("compress", "mergeConfig", "on");
    }

    @Test
    void removingACommentKeepsEveryOtherLine() {
        String text = "a\n/**\n * Doc.\n */\nvoid f() {}\nb\n";
        assertThat(DocComments.remove(text, 2, 4)).isEqualTo("a\nvoid f() {}\nb\n");
    }
}
