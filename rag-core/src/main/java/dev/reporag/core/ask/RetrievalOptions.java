package dev.reporag.core.ask;

/**
 * The retrieval techniques measured on the multi-repository benchmark (docs/benchmarks/retrieval.md)
 * and kept; {@link #DEFAULT} is what answers and {@code rag eval} use, {@link #BASELINE} what they
 * used before, for measuring against it.
 *
 * @param depth         candidates per ranking, as a multiple of the sources wanted
 * @param demoteTests   test code counts for half unless the question is about tests
 * @param collapseCopies a near copy of a file ranked higher (same file name, the same words: a
 *                      dialect's copy of a migration, a module built for another framework version)
 *                      goes after every other file, so one file of a family takes one slot
 * @param demoteNonMain code beside the program (test fixtures, examples, samples, benchmarks,
 *                      generated code) counts for half unless the question names it
 * @param namedFiles    a file whose name is a code-like word of the question counts double
 * @param mainLanguage  code in another programming language than most candidates' (a dashboard's
 *                      JavaScript in a Java library) counts for half unless the question names it
 */
public record RetrievalOptions(int depth, boolean demoteTests, boolean collapseCopies, boolean demoteNonMain,
                               boolean namedFiles, boolean mainLanguage) {
    public static final RetrievalOptions DEFAULT = new RetrievalOptions(5, true, false, false, false, false);
    public static final RetrievalOptions BASELINE = new RetrievalOptions(3, false, false, false, false, false);

    public RetrievalOptions {
        if (depth < 1 || depth > 20) {
            throw new IllegalArgumentException("depth must be within 1..20");
        }
    }

    /**
     * Parses {@code depth=5,tests,copies,nonmain,names,language} (a technique not named is off; {@code none} is all
     * off at depth 3), for benchmarks.
     */
    public static RetrievalOptions parse(String spec) {
        int depth = BASELINE.depth();
        boolean tests = false;
        boolean copies = false;
        boolean nonMain = false;
        boolean names = false;
        boolean language = false;
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.startsWith("depth=")) {
                depth = Integer.parseInt(p.substring(6));
            } else if (p.equals("tests")) {
                tests = true;
            } else if (p.equals("copies")) {
                copies = true;
            } else if (p.equals("nonmain")) {
                nonMain = true;
            } else if (p.equals("names")) {
                names = true;
            } else if (p.equals("language")) {
                language = true;
            } else if (!p.isEmpty() && !p.equals("none")) {
                throw new IllegalArgumentException("unknown retrieval technique: " + p);
            }
        }
        return new RetrievalOptions(depth, tests, copies, nonMain, names, language);
    }
}
