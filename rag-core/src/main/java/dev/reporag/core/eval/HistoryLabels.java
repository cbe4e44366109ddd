package dev.reporag.core.eval;

import dev.reporag.core.policy.CodePaths;
import dev.reporag.core.port.CommitInfo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Questions from a repository's history: a commit whose subject describes a change and that
 * changed one to three source files in place becomes the question "its subject", answered by
 * those files in the tree of its parent (so the answer is not the changed text itself).
 */
public final class HistoryLabels {
    /** At most this many non-test source files changed; more and the subject is about no one file. */
    static final int MAX_FILES = 3;
    /** Words at least in a cleaned subject: "Fix #12" or "Cleanup" says nothing to search for. */
    static final int MIN_WORDS = 3;
    /** Subjects that describe no change of behaviour: merges, version bumps, releases, formatting. */
    private static final Pattern HOUSEKEEPING = Pattern.compile("(?i)\\b(?:merge[sd]?|bump(?:s|ed)?|release[sd]?"
            + "|releasing|prepare|version|v?\\d+\\.\\d+(?:\\.\\d+)?|revert(?:s|ed)?|format(?:s|ted|ting)?|reformat\\w*"
            + "|lint(?:s|ing)?|typos?|whitespace|spotless|prettier|checkstyle|changelog|copyright|license|dependabot"
            + "|deps|wip|renovate)\\b");
    /** Conventional-commit types that are not changes of the program's behaviour. */
    private static final Pattern HOUSEKEEPING_TYPE = Pattern.compile(
            "(?i)^(?:chore|ci|build|style|docs?|test|tests|release|revert)(?:\\([^)]*\\))?!?:");
    private static final Pattern CONVENTIONAL_PREFIX = Pattern.compile("^[A-Za-z]+(?:\\([^)]*\\))?!?:\\s*");
    private static final Pattern TAG_PREFIX = Pattern.compile("^(?:\\[[^\\]]*\\]\\s*)+");
    private static final Pattern ISSUE_REFERENCE = Pattern.compile(
            "\\s*(?:\\((?:#|GH-|gh-)\\d+\\)|\\[(?:skip ci|ci skip)]|(?:closes|fixes|resolves)?\\s*#\\d+)\\s*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z'-]+");

    private HistoryLabels() {
    }

    /**
     * Questions from {@code history} (newest first), newest first, at most {@code max}, each subject
     * once.
     *
     * @param indexed whether a path would be indexed (the filter's path rules)
     */
    public static List<EvalQuestion> questions(List<CommitInfo> history, Predicate<String> indexed, int max) {
        List<EvalQuestion> questions = new ArrayList<>();
        Set<String> asked = new HashSet<>();
        for (CommitInfo commit : history) {
            if (questions.size() >= max) {
                break;
            }
            String question = question(commit.subject());
            if (question == null || commit.isMerge() || commit.parent() == null
                    || !asked.add(question.toLowerCase(Locale.ROOT))) {
                continue;
            }
            Set<String> sources = new TreeSet<>();
            boolean addsOrRemovesSource = false;
            for (Set<String> paths : List.of(commit.added(), commit.deleted())) {
                addsOrRemovesSource |= paths.stream().anyMatch(CodePaths::isMainSource);
            }
            commit.modified().stream().filter(CodePaths::isMainSource).forEach(sources::add);
            // A file added or removed is not in both trees: the question would ask for what is not there.
            if (addsOrRemovesSource || sources.isEmpty() || sources.size() > MAX_FILES
                    || !sources.stream().allMatch(indexed)) {
                continue;
            }
            questions.add(new EvalQuestion(question, EvalQuestion.HISTORY, sources, commit.parent(), null,
                    commit.id()));
        }
        return questions;
    }

    /**
     * The subject as a question: tags, conventional-commit prefixes and issue references removed;
     * null when it describes no change of the program (see {@link #HOUSEKEEPING}) or is too short.
     */
    static String question(String subject) {
        String s = subject.strip();
        if (HOUSEKEEPING_TYPE.matcher(s).find()) {
            return null;
        }
        s = TAG_PREFIX.matcher(s).replaceFirst("");
        s = CONVENTIONAL_PREFIX.matcher(s).replaceFirst("");
        s = ISSUE_REFERENCE.matcher(s).replaceAll(" ").strip();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        if (HOUSEKEEPING.matcher(s).find() || WORD.matcher(s).results().count() < MIN_WORDS) {
            return null;
        }
        return s;
    }
}
