package dev.reporag.core.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class DocCommentsTest {
    /** Chinese has no spaces and ends sentences with 。: its doc comments make questions too. */
    @Test
    void chineseDocCommentsGiveTheirFirstSentence() {
        String java = """
                class Cart {
                    /**
                     * 计算购物车中所有商品的总价。折扣另行计算。
                     *
                     * @return 总价
                     */
                    Money total() { return sum(); }

                    /** 清空。 */
                    void clear() {}
                }
                """;

        List<DocComments.DocComment> found = DocComments.find("src/Cart.java", java);

        assertThat(found).extracting(DocComments.DocComment::sentence).containsExactly("计算购物车中所有商品的总价");
        assertThat(DocComments.words("计算购物车中所有商品的总价")).isEqualTo(7);
        assertThat(DocComments.words("Adds every line of the basket")).isEqualTo(6);
    }

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
    void jsDocOfFunctionsAssignedToPropertiesAsCommonJsDeclaresThem() {
        String js = """
                /*!
                 * express
                 * Copyright(c) 2009-2013 TJ Holowaychuk
                 */

                var app = exports = module.exports = {};

                /**
                 * Initialize the server with its default configuration and settings.
                 *
                 * @private
                 */

                app.init = function init() {
                };

                /**
                 * Return the value of the request header field with the given name.
                 */
                req.get =
                req.header = function header(name) {
                };

                /**
                 * Check whether the request's content type matches one of the given types.
                 */
                Request.prototype.is = async (types) => {
                };

                /**
                 * Create an express application that handles requests and responses.
                 */
                module.exports = function createApplication() {
                };

                /**
                 * The default options of the etag generator of every response.
                 */
                exports.etag = createETagGenerator({ weak: false });

                /**
                 * This comment has two blank lines under it and documents nothing known.
                 */


                app.far = function far() {
                };
                """;
        assertThat(DocComments.find("lib/application.js", js))
                .extracting(DocComments.DocComment::function, DocComments.DocComment::startLine)
                .containsExactly(
                        tuple("init", 8), tuple("get", 17), tuple("is", 24), tuple("createApplication", 30));
        assertThat(DocComments.find("lib/application.js", js).get(0).sentence())
                .isEqualTo("Initialize the server with its default configuration and settings");
    }

    @Test
    void jsDocOfFunctionsAsPropertiesOfAnObjectLiteral() {
        String js = """
                jQuery.fn.extend( {
                	/**
                	 * Get the value of an attribute for the first element in the set of matched elements.
                	 */
                	attr: function( name, value ) {
                	},

                	/**
                	 * Remove an attribute from each element in the set of matched elements.
                	 */
                	removeAttr: async ( name ) => {
                	},

                	/**
                	 * The default number of milliseconds an animation of the set takes.
                	 */
                	duration: 400
                } );
                """;
        assertThat(DocComments.find("src/attributes/attr.js", js)).extracting(DocComments.DocComment::function)
                .containsExactly("attr", "removeAttr");
    }

    @Test
    void aJavadocTakesNoFunctionABlankLineBelowIt() {
        String java = """
                class Cache {
                  /**
                   * Removes every entry of the cache and resets its counters.
                   */

                  void clear() {}
                }
                """;
        assertThat(DocComments.find("src/Cache.java", java)).isEmpty();
    }

    @Test
    void rustTripleSlashCommentsAboveFunctionsAttributesSkipped() {
        String rust = """
                //! The searcher: module docs, not a function's.

                impl BinaryDetection {
                    /// Binary detection is performed by looking for the given byte, and
                    /// the search stops when it is found.
                    ///
                    /// This is the default.
                    #[inline]
                    pub fn quit(binary_byte: u8) -> BinaryDetection {
                        BinaryDetection(line_buffer::BinaryDetection::Quit(binary_byte))
                    }

                    //// A divider, not a doc comment: the walker never skips a hidden file.
                    fn divider() {}

                    /// Returns the byte that will cause a search to quit, if any is set.
                    pub(crate) async unsafe fn quit_byte(&self) -> Option<u8> { None }
                }

                /// Plain struct docs: a search configuration with all of its knobs.
                pub struct Config {}
                """;
        List<DocComments.DocComment> found = DocComments.find("crates/searcher/src/mod.rs", rust);

        assertThat(found).extracting(DocComments.DocComment::function).containsExactly("quit", "quit_byte");
        assertThat(found.get(0).sentence()).isEqualTo(
                "Binary detection is performed by looking for the given byte, and the search stops when it is found");
        assertThat(found.get(0).startLine()).isEqualTo(4);
        assertThat(found.get(0).endLine()).isEqualTo(7);
        assertThat(found.get(1).startLine()).isEqualTo(16);
    }

    @Test
    void rubyCommentLinesAboveDefs() {
        String ruby = """
                # frozen_string_literal: true

                # String inflections define new methods on the String class to transform names.
                class String
                  # Returns the plural form of the word in the string.
                  #
                  # ```
                  # 'post'.pluralize # => "posts"
                  # ```
                  def pluralize(count = nil, locale = :en)
                  end

                  ## Divider, then a class method without comment.
                  def self.helper; end

                  # Returns +true+ when the string is blank after every space is stripped off it, as C++ does.
                  def self.blank?
                  end
                end
                """;
        List<DocComments.DocComment> found = DocComments.find("lib/core_ext/string.rb", ruby);

        assertThat(found).extracting(DocComments.DocComment::function).containsExactly("pluralize", "blank?");
        assertThat(found.get(0).sentence()).isEqualTo("Returns the plural form of the word in the string");
        assertThat(found.get(0).startLine()).isEqualTo(5);
        assertThat(found.get(0).endLine()).isEqualTo(9);
        assertThat(found.get(1).sentence())
                .isEqualTo("Returns true when the string is blank after every space is stripped off it, as C++ does");
    }

    @Test
    void cCommentsRightAboveFunctionsInHeadersAndSources() {
        String header = """
                /**
                 * Life Cycle Functions
                 * --------------------
                 */

                /**
                 * Initialize the structure with room for the given bytes. The second parameter can be zero or a bigger
                 * number to allocate memory.
                 */
                void strbuf_init(struct strbuf *sb, size_t alloc);

                /**
                 * This is the string buffer structure, with its length and its bytes.
                 */
                struct strbuf {
                	size_t len;
                };

                /* Detach the string from the strbuf and return it to the caller to free. */
                char *strbuf_detach(struct strbuf *sb, size_t *sz);
                """;
        assertThat(DocComments.find("strbuf.h", header)).extracting(DocComments.DocComment::function)
                .containsExactly("strbuf_init", "strbuf_detach");

        String source = """
                /* Forward declaration */
                static int getExpireMillisecondsOrReply(client *c, robj *expire);

                /* Parse the expire argument of SET and turn it into milliseconds since the epoch.
                 * Replies with an error when it is not a number. */
                static int
                parseExpire(client *c, robj *expire) {
                    /* free the buffer before the caller gets to see an error reply */
                    free(buf);
                    // tell the client which argument was wrong and why it was rejected
                    return addReplyError(c, "invalid expire");
                    int n = 0; /* the number of arguments that were parsed so far */
                }

                // Returns the length of the longest common prefix of the two strings given.
                size_t text::Prefixes::common_prefix(const char *a, const char *b) {
                    /* a SET macro that defines all of the function's accessors at once */
                    DEFINE_ACCESSORS(setCommand, flags);
                }
                """;
        List<DocComments.DocComment> found = DocComments.find("src/t_string.c", source);

        assertThat(found).extracting(DocComments.DocComment::function).containsExactly("parseExpire", "common_prefix");
        assertThat(found.get(0).sentence())
                .isEqualTo("Parse the expire argument of SET and turn it into milliseconds since the epoch");
        assertThat(found.get(0).startLine()).isEqualTo(4);
        assertThat(found.get(0).endLine()).isEqualTo(5);
        assertThat(found.get(1).sentence())
                .isEqualTo("Returns the length of the longest common prefix of the two strings given");
    }

    @Test
    void cFunctionNamesAreDeclarationsNotStatements() {
        assertThat(DocComments.cFunctionName("static inline struct foo *get_foo(struct bar *b)", "")).isEqualTo("get_foo");
        assertThat(DocComments.cFunctionName("const std::string& Parser::name() const {", "")).isEqualTo("name");
        assertThat(DocComments.cFunctionName("\tfree(buf);", "")).isNull();
        assertThat(DocComments.cFunctionName("\treturn error(\"bad\");", "")).isNull();
        assertThat(DocComments.cFunctionName("\tsize_t len = strlen(s);", "")).isNull();
        assertThat(DocComments.cFunctionName("\tp->next(p);", "")).isNull();
        assertThat(DocComments.cFunctionName("} else if (x) {", "")).isNull();
        assertThat(DocComments.cFunctionName("Parser::Parser(int depth)", "")).isNull();
        assertThat(DocComments.cFunctionName("static int", "parse(const char *s)")).isEqualTo("parse");
        assertThat(DocComments.cFunctionName("static int x;", "parse(const char *s)")).isNull();
    }

    @Test
    void csharpTripleSlashSummaries() {
        String cs = """
                public class Cart
                {
                    /// <summary>
                    /// Computes the total of every line with the discounts applied first.
                    /// </summary>
                    /// <param name="discounts">what to apply</param>
                    [Obsolete("use Total")]
                    public async Task<Money> ComputeTotal(IList<Discount> discounts)
                    {
                    }
                }
                """;
        assertThat(DocComments.find("src/Cart.cs", cs)).singleElement().satisfies(c -> {
            assertThat(c.function()).isEqualTo("ComputeTotal");
            assertThat(c.sentence()).isEqualTo("Computes the total of every line with the discounts applied first");
            assertThat(c.startLine()).isEqualTo(3);
            assertThat(c.endLine()).isEqualTo(6);
        });
    }

    @Test
    void elixirDocAttributesAboveDefs() {
        String ex = """
                defmodule Shop.Cart do
                  @moduledoc \"""
                  The cart of the shop and everything it holds for a customer.
                  \"""

                  @doc \"""
                  Computes the total of every line with the `discounts` applied first.

                  ## Examples

                      iex> total([])
                      0
                  \"""
                  @spec total([Line.t()]) :: integer
                  def total(lines), do: Enum.sum(lines)

                  @doc "Removes every line whose product is out of stock now."
                  defmacro prune(cart), do: cart

                  @doc false
                  def internal(x), do: x

                  @doc ~S\"""
                  Tells whether the cart holds a line for the given product.
                  \"""
                  def holds?(cart, product), do: false
                end
                """;
        List<DocComments.DocComment> found = DocComments.find("lib/shop/cart.ex", ex);
        assertThat(found).extracting(DocComments.DocComment::function).containsExactly("total", "prune", "holds?");
        assertThat(found.get(0).sentence()).isEqualTo("Computes the total of every line with the discounts applied first");
        assertThat(found.get(0).startLine()).isEqualTo(6);
        assertThat(found.get(0).endLine()).isEqualTo(13);
        assertThat(found.get(1).sentence()).isEqualTo("Removes every line whose product is out of stock now");
        assertThat(found.get(1).startLine()).isEqualTo(17);
        assertThat(found.get(1).endLine()).isEqualTo(17);
        assertThat(found.get(2).sentence()).isEqualTo("Tells whether the cart holds a line for the given product");
    }

    @Test
    void haskellHaddocksAboveSignatures() {
        String hs = """
                module Shop.Cart where

                -- | Computes the total of every line with the discounts
                -- applied first.
                total :: [Line] -> Int
                total = sum . map price

                -- A plain comment above a signature is no doc comment at all.
                prune :: Cart -> Cart
                prune = id

                --------------------------------------------------
                count :: Cart -> Int
                count = length
                """;
        assertThat(DocComments.find("src/Shop/Cart.hs", hs)).singleElement().satisfies(c -> {
            assertThat(c.function()).isEqualTo("total");
            assertThat(c.sentence()).isEqualTo("Computes the total of every line with the discounts applied first");
            assertThat(c.startLine()).isEqualTo(3);
            assertThat(c.endLine()).isEqualTo(4);
        });
    }

    @Test
    void luaTripleDashCommentsAboveFunctions() {
        String lua = """
                local M = {}

                --- Computes the total of every line with the discounts applied first.
                -- @param lines the lines of the cart
                function M.total(lines)
                  return 0
                end

                ---------------------------------------------------
                -- Not a doc comment: a divider and a plain comment above it.
                local function helper() end

                --- Removes every line whose product is out of stock now.
                M.prune = function(cart) return cart end
                """;
        List<DocComments.DocComment> found = DocComments.find("lua/shop/cart.lua", lua);
        assertThat(found).extracting(DocComments.DocComment::function).containsExactly("total", "prune");
        assertThat(found.get(0).sentence()).isEqualTo("Computes the total of every line with the discounts applied first");
        assertThat(found.get(0).startLine()).isEqualTo(3);
        assertThat(found.get(0).endLine()).isEqualTo(4);
        assertThat(found.get(1).sentence()).isEqualTo("Removes every line whose product is out of stock now");
    }

    @Test
    void removingACommentKeepsEveryOtherLine() {
        String text = "a\n/**\n * Doc.\n */\nvoid f() {}\nb\n";
        assertThat(DocComments.remove(text, 2, 4)).isEqualTo("a\nvoid f() {}\nb\n");
    }
}
