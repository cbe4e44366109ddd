package dev.reporag.core.eval;

import dev.reporag.core.model.Languages;
import dev.reporag.core.policy.CjkPairs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the doc comments of methods and functions (Javadoc-style blocks, Python docstrings, the
 * comment lines of Go and Ruby, Rust's, C#'s, Swift's and Dart's {@code ///} lines, the comment
 * right above a C or C++ function, Elixir's {@code @doc}, Haskell's {@code -- |} and Lua's
 * {@code ---}) and their first sentence, and removes a doc comment from a file's text: the
 * doc-comment half of the evaluation's label procedure. A line heuristic, like the chunker's: it
 * needs no parser per language, and a comment it misreads only costs a question.
 */
public final class DocComments {
    /** A doc comment: its lines (1-based, inclusive), the function it documents and its first sentence. */
    public record DocComment(int startLine, int endLine, String function, String sentence) {
    }

    private static final Set<String> BLOCK_LANGUAGES = Set.of("java", "kotlin", "scala", "groovy", "javascript",
            "typescript", "php", "csharp", "swift", "dart");
    private static final Set<String> CONTROL = Set.of("if", "for", "while", "switch", "catch", "return", "new",
            "throw", "else", "do", "try", "synchronized", "super", "this", "class", "interface", "enum", "record",
            "typeof", "await", "yield", "function", "import", "export", "const", "let", "var", "type");
    /** A method: modifiers, a type, a name and its parameters (a field's initializer is no method). */
    private static final Pattern METHOD = Pattern.compile("^\\s*(?:(?:public|protected|private|internal|static"
                    + "|final|abstract|synchronized|native|default|override|open|suspend|inline|operator|infix|async|readonly|get|set|def|fun|func"
                    + "|strictfp|transient|declare)\\s+)*(?:<[^>]*>\\s*)?(?:[\\w$.\\[\\]<>?,]+(?:\\s*<[^(]*>)?\\s+)?"
                    + "\\*?([A-Za-z_$][\\w$]*)\\s*(?:<[^(]*>)?\\s*\\(");
    /**
     * A function assigned to a property, as CommonJS code declares its API ({@code app.init = function
     * init() {}}, {@code Foo.prototype.bar = async (x) => …}, {@code req.get = req.header = function
     * header(name)}); group 1 is the property, group 2 the function expression's own name if it has one.
     */
    private static final Pattern PROPERTY_FUNCTION = Pattern.compile("^\\s*(?:[A-Za-z_$][\\w$]*\\s*\\.\\s*)+"
            + "([A-Za-z_$][\\w$]*)\\s*=\\s*(?:[A-Za-z_$][\\w$.]*\\s*=\\s*)*(?:async\\s+)?"
            + "(?:function\\b\\s*\\*?\\s*([A-Za-z_$][\\w$]*)?\\s*\\(|\\([^)]*\\)\\s*=>|[A-Za-z_$][\\w$]*\\s*=>)");
    /** A function as an object literal's property ({@code attr: function (name, value) {}}, {@code get: async (c) => …}). */
    private static final Pattern OBJECT_FUNCTION = Pattern.compile("^\\s*([A-Za-z_$][\\w$]*)\\s*:\\s*(?:async\\s+)?"
            + "(?:function\\b|\\([^)]*\\)\\s*=>|[A-Za-z_$][\\w$]*\\s*=>)");
    /** Languages whose doc comment may stand a blank line above its function (Express's style). */
    private static final Set<String> BLANK_LINE_BEFORE_DECLARATION = Set.of("javascript", "typescript");
    /** A method or function declaration line of a Java-like or JS/TS language; group 1 is its name. */
    private static final List<Pattern> BLOCK_FUNCTIONS = List.of(
            Pattern.compile("^\\s*(?:export\\s+)?(?:default\\s+)?(?:async\\s+)?function\\s*\\*?\\s*([A-Za-z_$][\\w$]*)"
                    + "\\s*[<(]"),
            Pattern.compile("^\\s*(?:export\\s+)?(?:const|let|var)\\s+([A-Za-z_$][\\w$]*)\\s*(?::[^=]+)?=\\s*"
                    + "(?:async\\s*)?(?:function\\b|\\(|[A-Za-z_$][\\w$]*\\s*=>|<)"),
            OBJECT_FUNCTION,
            METHOD);
    private static final Pattern TYPE_DECLARATION = Pattern.compile(
            "\\b(?:class|interface|enum|record|struct|object|trait|@interface)\\s+[A-Za-z_$]");
    /** Block-comment languages whose doc comments may also be runs of {@code ///} lines above the declaration. */
    private static final Set<String> ALSO_TRIPLE_SLASH = Set.of("csharp", "swift", "dart");
    private static final Set<String> C_LANGUAGES = Set.of("c", "cpp", "objc");
    private static final Pattern RUST_FN = Pattern.compile("^\\s*(?:pub(?:\\s*\\([^)]*\\))?\\s+)?(?:default\\s+)?"
            + "(?:const\\s+)?(?:async\\s+)?(?:unsafe\\s+)?(?:extern\\s+(?:\"[^\"]*\"\\s+)?)?fn\\s+([A-Za-z_]\\w*)");
    /** Rust's {@code #[...]}, C#'s {@code [...]}, Swift's and Dart's {@code @...} between a comment and its function. */
    private static final Pattern ATTRIBUTE = Pattern.compile("^\\s*(?:#!?\\[.*]|\\[[A-Za-z].*]|@[A-Za-z].*)\\s*$");
    private static final Pattern RUBY_DEF = Pattern.compile("^\\s*def\\s+(?:self\\.)?([A-Za-z_]\\w*[?!=]?)");
    /** The name that ends what comes before a C or C++ function's parameters ({@code Type::name} gives name). */
    private static final Pattern C_NAME = Pattern.compile("([A-Za-z_~][\\w~]*)\\s*$");
    private static final Pattern C_TYPE_WORD = Pattern.compile("[A-Za-z_][\\w:<>,]*[\\s*&]+$");
    private static final Set<String> C_NOT_TYPES = Set.of("return", "else", "case", "goto", "sizeof", "typedef",
            "do", "delete", "throw", "co_return", "co_await");
    private static final Pattern PY_DEF = Pattern.compile("^(\\s*)(?:async\\s+)?def\\s+([A-Za-z_]\\w*)\\s*\\(");
    private static final Pattern ELIXIR_DEF = Pattern.compile(
            "^\\s*(?:def|defmacro|defguard|defdelegate)\\s+([a-z_]\\w*[?!]?)");
    /** An {@code @doc} opening a heredoc (three quotes, or {@code ~S} and three quotes), or a one-line string. */
    private static final Pattern ELIXIR_DOC = Pattern.compile("^\\s*@doc\\s+(?:~[sS])?(\"\"\"|\"(.*)\")\\s*$");
    /** A top-level Haskell type signature; group 1 is the name. */
    private static final Pattern HASKELL_SIGNATURE = Pattern.compile("^([a-z_][\\w']*)\\s*::");
    private static final Pattern HADDOCK = Pattern.compile("^\\s*--\\s*\\|");
    private static final Pattern LDOC = Pattern.compile("^\\s*---(?!-)");
    private static final Pattern DIVIDER = Pattern.compile("^\\s*-{4,}");
    private static final Pattern LUA_FUNCTION = Pattern.compile(
            "^\\s*(?:local\\s+)?(?:function\\s+(?:[\\w.]+[.:])?(\\w+)\\s*\\(|(?:[\\w.]+\\.)?(\\w+)\\s*=\\s*function\\s*\\()");
    private static final Pattern GO_FUNC = Pattern.compile("^func\\s+(?:\\([^)]*\\)\\s*)?([A-Za-z_]\\w*)\\s*[\\[(]");
    private static final Pattern INLINE_TAG = Pattern.compile("\\{@(?:code|link|linkplain|literal|value)\\s+([^}]*)}");
    /** RDoc's {@code +code+}. */
    private static final Pattern RDOC_CODE = Pattern.compile("(?<![\\w+])\\+([A-Za-z_][\\w:.#?!]*)\\+(?![\\w+])");
    private static final Pattern HTML_TAG = Pattern.compile("</?[A-Za-z][^>]*>");
    /** A full stop, or a Chinese or Japanese one (。！？), which needs no space after it. */
    private static final Pattern SENTENCE_END = Pattern.compile(
            "(?<!\\be\\.g|\\bi\\.e|\\betc|\\bvs|\\bcf|\\bapprox|\\bi\\.e\\.|\\be\\.g\\.)[.!?](?=\\s|$)|[\u3002\uff01\uff1f]");
    private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z'-]*");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    /** Words at least, and at most, in a sentence that makes a question. */
    static final int MIN_WORDS = 5;
    static final int MAX_WORDS = 50;

    private DocComments() {
    }

    /** The doc comments of the functions and methods of a file whose first sentence makes a question. */
    public static List<DocComment> find(String path, String text) {
        String language = Languages.ofPath(path);
        List<String> lines = text.lines().toList();
        List<DocComment> found = new ArrayList<>();
        if (BLOCK_LANGUAGES.contains(language)) {
            blockComments(lines, found, BLANK_LINE_BEFORE_DECLARATION.contains(language));
        } else if (language.equals("python")) {
            docstrings(lines, found);
        } else if (language.equals("go")) {
            lineComments(lines, found, "//", line -> group(GO_FUNC, line), true);
        } else if (language.equals("ruby")) {
            lineComments(lines, found, "#", line -> group(RUBY_DEF, line), false);
        } else if (language.equals("rust")) {
            lineComments(lines, found, "///", line -> group(RUST_FN, line), false);
        } else if (C_LANGUAGES.contains(language)) {
            cComments(lines, found);
        } else if (language.equals("elixir")) {
            elixirDocs(lines, found);
        } else if (language.equals("haskell")) {
            dashComments(lines, found, line -> group(HASKELL_SIGNATURE, line), HADDOCK);
        } else if (language.equals("lua")) {
            dashComments(lines, found, DocComments::luaFunctionName, LDOC);
        }
        if (ALSO_TRIPLE_SLASH.contains(language)) {
            lineComments(lines, found, "///", DocComments::blockFunctionName, false);
            found.sort(Comparator.comparingInt(DocComment::startLine));
        }
        return found;
    }

    /** The text without lines {@code startLine..endLine} (1-based, inclusive). */
    public static String remove(String text, int startLine, int endLine) {
        List<String> lines = text.lines().toList();
        StringBuilder kept = new StringBuilder(text.length());
        for (int i = 0; i < lines.size(); i++) {
            if (i + 1 < startLine || i + 1 > endLine) {
                kept.append(lines.get(i)).append('\n');
            }
        }
        return kept.toString();
    }

    /** @param blankLineBefore whether one blank line may stand between a comment and its function */
    private static void blockComments(List<String> lines, List<DocComment> found, boolean blankLineBefore) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith("/**") || line.startsWith("/***")) {
                continue;
            }
            int end = i;
            while (end < lines.size() && !lines.get(end).contains("*/")) {
                end++;
            }
            if (end >= lines.size()) {
                return;
            }
            int declaration = end + 1;
            if (blankLineBefore && declaration + 1 < lines.size() && lines.get(declaration).isBlank()) {
                declaration++;
            }
            while (declaration < lines.size() && isAnnotation(lines.get(declaration))) {
                declaration++;
            }
            if (declaration < lines.size()) {
                String code = lines.get(declaration);
                // A chained assignment over lines (Express's req.get =\n req.header = function header).
                for (int next = declaration + 1; code.strip().endsWith("=") && next < Math.min(lines.size(), declaration + 4);
                     next++) {
                    code = code + ' ' + lines.get(next).strip();
                }
                String name = blockFunctionName(code);
                if (name != null) {
                    StringBuilder body = new StringBuilder();
                    for (int l = i; l <= end; l++) {
                        String content = lines.get(l).strip();
                        if (l == i) {
                            content = content.substring(3);
                        }
                        int close = content.indexOf("*/");
                        if (close >= 0) {
                            content = content.substring(0, close);
                        }
                        content = content.startsWith("*") ? content.substring(1) : content;
                        body.append(content.strip()).append('\n');
                    }
                    add(found, i + 1, end + 1, name, body.toString(), null);
                }
            }
            i = end;
        }
    }

    private static boolean isAnnotation(String line) {
        String s = line.strip();
        return s.startsWith("@") && !s.startsWith("@interface");
    }

    static String blockFunctionName(String line) {
        if (TYPE_DECLARATION.matcher(line).find()) {
            return null;
        }
        if (line.strip().endsWith(";") && !line.contains("{") && !line.contains("=>")) {
            // An abstract or interface method: documented too, and a question just the same.
            if (!line.contains("(")) {
                return null;
            }
        }
        Matcher property = PROPERTY_FUNCTION.matcher(line);
        if (property.find()) {
            // module.exports = function createApplication() names the function, not the property.
            String name = property.group(1).equals("exports") ? property.group(2) : property.group(1);
            return name == null || CONTROL.contains(name) ? null : name;
        }
        for (Pattern pattern : BLOCK_FUNCTIONS) {
            Matcher m = pattern.matcher(line);
            if (m.find() && !CONTROL.contains(m.group(1))
                    && (pattern != METHOD || !line.substring(0, line.indexOf('(')).contains("="))) {
                return m.group(1);
            }
        }
        return null;
    }

    private static void docstrings(List<String> lines, List<DocComment> found) {
        for (int i = 0; i < lines.size(); i++) {
            Matcher def = PY_DEF.matcher(lines.get(i));
            if (!def.find()) {
                continue;
            }
            int signatureEnd = i;
            int depth = 0;
            for (; signatureEnd < lines.size(); signatureEnd++) {
                String code = lines.get(signatureEnd);
                for (char c : code.toCharArray()) {
                    depth += c == '(' || c == '[' ? 1 : c == ')' || c == ']' ? -1 : 0;
                }
                if (depth <= 0 && code.stripTrailing().endsWith(":")) {
                    break;
                }
            }
            int first = signatureEnd + 1;
            while (first < lines.size() && lines.get(first).isBlank()) {
                first++;
            }
            if (first >= lines.size()) {
                return;
            }
            String opening = lines.get(first).strip();
            String prefix = opening.startsWith("r") || opening.startsWith("u") ? opening.substring(1) : opening;
            String quote = prefix.startsWith("\"\"\"") ? "\"\"\"" : prefix.startsWith("'''") ? "'''" : null;
            if (quote == null) {
                continue;
            }
            String rest = prefix.substring(3);
            int end = first;
            StringBuilder body = new StringBuilder();
            if (rest.contains(quote)) {
                body.append(rest, 0, rest.indexOf(quote));
            } else {
                body.append(rest).append('\n');
                for (end = first + 1; end < lines.size() && !lines.get(end).contains(quote); end++) {
                    body.append(lines.get(end).strip()).append('\n');
                }
                if (end >= lines.size()) {
                    return;
                }
                String last = lines.get(end);
                body.append(last, 0, last.indexOf(quote));
            }
            add(found, first + 1, end + 1, def.group(2), body.toString(), null);
            i = end;
        }
    }

    /**
     * Runs of comment lines starting with {@code prefix} right above a declaration (attributes in
     * between are skipped): Go's {@code //}, Ruby's {@code #}, Rust's {@code ///}. A longer run of the
     * prefix's character ({@code ////}, {@code ##}) is a divider, not a doc comment.
     *
     * @param dropName whether the comment's first word is the function's own name, dropped (Go)
     */
    private static void lineComments(List<String> lines, List<DocComment> found, String prefix,
                                     Function<String, String> declaration, boolean dropName) {
        for (int i = 0; i < lines.size(); i++) {
            String name = declaration.apply(lines.get(i));
            if (name == null) {
                continue;
            }
            int end = i;
            while (end > 0 && ATTRIBUTE.matcher(lines.get(end - 1)).matches() && !isLineComment(lines.get(end - 1), prefix)) {
                end--;
            }
            int start = end;
            while (start > 0 && isLineComment(lines.get(start - 1), prefix)) {
                start--;
            }
            if (start == end) {
                continue;
            }
            StringBuilder body = new StringBuilder();
            for (int l = start; l < end; l++) {
                body.append(lines.get(l).strip().substring(prefix.length()).strip()).append('\n');
            }
            add(found, start + 1, end, name, body.toString(), dropName ? name : null);
        }
    }

    /**
     * Elixir's {@code @doc} above a {@code def}: a heredoc or a one-line string, with the function's
     * other attributes ({@code @spec}, {@code @impl}) in between; {@code @doc false} is none.
     */
    private static void elixirDocs(List<String> lines, List<DocComment> found) {
        for (int i = 0; i < lines.size(); i++) {
            Matcher doc = ELIXIR_DOC.matcher(lines.get(i));
            if (!doc.matches()) {
                continue;
            }
            int end = i;
            StringBuilder body = new StringBuilder();
            if (doc.group(2) != null) {
                body.append(doc.group(2));
            } else {
                for (end = i + 1; end < lines.size() && !lines.get(end).strip().startsWith("\"\"\""); end++) {
                    body.append(lines.get(end).strip()).append('\n');
                }
                if (end >= lines.size()) {
                    return;
                }
            }
            int declaration = end + 1;
            while (declaration < lines.size() && isElixirAttributeOrBlank(lines.get(declaration).strip())) {
                declaration++;
            }
            String name = declaration < lines.size() ? group(ELIXIR_DEF, lines.get(declaration)) : null;
            if (name != null) {
                add(found, i + 1, end + 1, name, body.toString(), null);
            }
            i = end;
        }
    }

    private static boolean isElixirAttributeOrBlank(String line) {
        return line.isEmpty() || (line.startsWith("@") && !line.startsWith("@doc"));
    }

    /**
     * A run of {@code --} comment lines right above a declaration whose first line opens a doc
     * comment: Haskell's {@code -- |}, Lua's {@code ---} (LDoc), each continued by plain {@code --}
     * lines. A line of four dashes or more is a divider, not a comment.
     */
    private static void dashComments(List<String> lines, List<DocComment> found, Function<String, String> declaration,
                                     Pattern opener) {
        for (int i = 1; i < lines.size(); i++) {
            String name = declaration.apply(lines.get(i));
            if (name == null) {
                continue;
            }
            int start = i;
            while (start > 0 && lines.get(start - 1).strip().startsWith("--")
                    && !DIVIDER.matcher(lines.get(start - 1)).find()) {
                start--;
                if (opener.matcher(lines.get(start)).find()) {
                    break;
                }
            }
            if (start == i || !opener.matcher(lines.get(start)).find()) {
                continue;
            }
            StringBuilder body = new StringBuilder();
            for (int l = start; l < i; l++) {
                body.append(lines.get(l).strip().replaceFirst("^---?\\s*\\|?", "").strip()).append('\n');
            }
            add(found, start + 1, i, name, body.toString(), null);
        }
    }

    private static String luaFunctionName(String line) {
        Matcher m = LUA_FUNCTION.matcher(line);
        return !m.find() ? null : m.group(1) != null ? m.group(1) : m.group(2);
    }

    private static boolean isLineComment(String line, String prefix) {
        String s = line.strip();
        return s.startsWith(prefix) && !s.startsWith(prefix + prefix.charAt(prefix.length() - 1));
    }

    /**
     * The comment right above a C or C++ function's declaration or definition: a {@code /* *\/}
     * block that starts its own line, or a run of {@code //} lines. C has no doc-comment syntax of its
     * own; this is where its projects document a function (in the header or above the code).
     */
    private static void cComments(List<String> lines, List<DocComment> found) {
        for (int i = 1; i < lines.size(); i++) {
            String name = cFunctionName(lines.get(i), i + 1 < lines.size() ? lines.get(i + 1) : "");
            if (name == null) {
                continue;
            }
            String above = lines.get(i - 1).strip();
            if (above.startsWith("//")) {
                int start = i - 1;
                while (start > 0 && lines.get(start - 1).strip().startsWith("//")) {
                    start--;
                }
                StringBuilder body = new StringBuilder();
                for (int l = start; l < i; l++) {
                    body.append(lines.get(l).strip().replaceFirst("^/+!?<?", "").strip()).append('\n');
                }
                add(found, start + 1, i, name, body.toString(), null);
            } else if (above.endsWith("*/")) {
                int start = i - 1;
                while (start >= 0 && !lines.get(start).contains("/*")) {
                    start--;
                }
                if (start < 0 || !lines.get(start).strip().startsWith("/*")) {
                    continue; // the end of a comment that follows code, or no comment at all
                }
                StringBuilder body = new StringBuilder();
                for (int l = start; l < i; l++) {
                    String content = lines.get(l).strip();
                    if (l == start) {
                        content = content.replaceFirst("^/\\*+!?<?", "");
                    }
                    int close = content.indexOf("*/");
                    if (close >= 0) {
                        content = content.substring(0, close);
                    }
                    content = content.startsWith("*") ? content.substring(1) : content;
                    body.append(content.strip()).append('\n');
                }
                add(found, start + 1, i, name, body.toString(), null);
            }
        }
    }

    /**
     * The function a C or C++ line declares or defines, or null: a name with its parameters after
     * at least one word of a type ({@code static int}, {@code char *}, {@code std::string}), not a
     * statement (a call, an assignment, a return) nor a macro in capitals. When the line holds a
     * type only, the name may open the next line, as in {@code static int\nparse(...)}.
     */
    static String cFunctionName(String line, String next) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#") || s.startsWith("}") || s.startsWith("{") || s.startsWith("//")
                || s.startsWith("/*") || s.startsWith("*")) {
            return null;
        }
        int paren = s.indexOf('(');
        if (paren < 0) {
            String following = next.strip();
            int nextParen = following.indexOf('(');
            if (!s.contains(";") && !s.contains("=") && !s.endsWith(",") && nextParen > 0
                    && following.substring(0, nextParen).strip().matches("[A-Za-z_~][\\w:~]*")) {
                return cFunctionName(s + " " + following, "");
            }
            return null;
        }
        String head = s.substring(0, paren);
        if (head.contains("=") || head.contains("\"") || head.contains("(")) {
            return null;
        }
        Matcher name = C_NAME.matcher(head);
        if (!name.find()) {
            return null;
        }
        String function = name.group(1);
        String before = head.substring(0, name.start()).replaceAll("(?:[A-Za-z_~][\\w~<>,]*::)+$", "");
        String firstWord = before.strip().split("[\\s*&]", 2)[0];
        if (before.isBlank() || !C_TYPE_WORD.matcher(before).find() || C_NOT_TYPES.contains(firstWord)
                || CONTROL.contains(function) || function.equals(function.toUpperCase(Locale.ROOT))) {
            return null;
        }
        return function;
    }

    private static String group(Pattern pattern, String line) {
        Matcher m = pattern.matcher(line);
        return m.find() ? m.group(1) : null;
    }

    private static void add(List<DocComment> found, int start, int end, String function, String body,
                            String leadingName) {
        String sentence = firstSentence(body, leadingName);
        if (sentence != null) {
            found.add(new DocComment(start, end, function, sentence));
        }
    }

    /**
     * The comment's first sentence as plain words: tags and markup removed, inline code kept; in Go
     * the function's own name that starts it by convention is dropped. Null when it is too short or
     * too long to be a question, or says nothing of its own ({@code {@inheritDoc}}).
     */
    static String firstSentence(String body, String leadingName) {
        StringBuilder paragraph = new StringBuilder();
        for (String line : body.split("\n", -1)) {
            String s = line.strip();
            if (s.startsWith("@") || s.startsWith(":param") || s.startsWith(":return") || s.startsWith(":raises")
                    || s.matches("(?:Args|Arguments|Parameters|Returns|Raises|Example|Examples|Usage|Note)s?:.*")
                    || s.startsWith("---") || s.startsWith("```") || s.startsWith(">>>")) {
                break;
            }
            if (s.isEmpty()) {
                if (paragraph.length() > 0) {
                    break;
                }
                continue;
            }
            paragraph.append(s).append(' ');
        }
        String text = paragraph.toString();
        if (text.contains("{@inheritDoc") || text.toLowerCase(Locale.ROOT).startsWith("deprecated")) {
            return null;
        }
        text = INLINE_TAG.matcher(text).replaceAll(m -> Matcher.quoteReplacement(linkText(m.group(1))));
        text = HTML_TAG.matcher(text).replaceAll(" ");
        text = RDOC_CODE.matcher(text).replaceAll("$1");
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&nbsp;", " ")
                .replace("`", "");
        text = SPACES.matcher(text).replaceAll(" ").strip();
        Matcher end = SENTENCE_END.matcher(text);
        if (end.find()) {
            text = text.substring(0, end.start());
        }
        if (leadingName != null && text.startsWith(leadingName + " ")) {
            text = text.substring(leadingName.length() + 1);
        }
        long words = words(text);
        if (words < MIN_WORDS || words > MAX_WORDS) {
            return null;
        }
        return text;
    }

    /**
     * Words of a sentence: Latin ones, and for Chinese, Japanese and Korean text, written without
     * spaces, one word every two characters (about what a word of those scripts is).
     */
    static long words(String text) {
        long cjk = text.chars().filter(c -> CjkPairs.isCjk((char) c)).count();
        return WORD.matcher(text).results().count() + (cjk + 1) / 2;
    }

    /** {@code Foo#bar(int) the bar} reads "the bar"; {@code Foo#bar(int)} reads "bar"; code stays as it is. */
    private static String linkText(String tag) {
        String t = tag.strip();
        int space = t.indexOf(' ');
        if (space > 0 && (t.contains("#") || t.indexOf('(') < 0 || t.indexOf('(') > space)) {
            String target = t.substring(0, space);
            if (target.matches("[\\w.$#]+(?:\\([^)]*\\))?")) {
                return t.substring(space + 1).strip();
            }
        }
        int hash = t.indexOf('#');
        String member = hash >= 0 ? t.substring(hash + 1) : t;
        int paren = member.indexOf('(');
        return paren > 0 && hash >= 0 ? member.substring(0, paren) : member;
    }
}
